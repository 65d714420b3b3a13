using Portal.Policy;
using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Benchmarks.Policy;

/// <summary>
/// The benchmark world: 10,000 users, 1,000 datasets, 100,000 grants, generated from a fixed seed so that the
/// C# and the Cedar side (through <see cref="CedarExport"/>) answer the same questions on the same data.
/// Smaller worlds (<see cref="PolicyScan"/>) scale users, datasets and grants by one factor.
/// </summary>
internal sealed class PolicyBenchData
{
    public const int Vos = 100;
    public const int Institutions = 5;
    public const int Questions = 16_384;

    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] DuoTexts =
    [
        "GRU", "GRU NCU", "HMB", "HMB NPU", "HMB IRB", "DS:B20-B24", "DS:HIV NCU", "DS:B20 IRB", "DS:C50", "POA", "NRES", "GRU NMDS", "HMB US",
    ];

    private static readonly string?[] Diseases = [null, "B20", "B20.1", "B20-B24", "HIV", "Z21", "C50", "E11"];

    private readonly Random _random = new(20260601);
    private readonly Dictionary<Guid, Guid[]> _membersByVo;

    public PolicyBenchData(int users = 10_000, int datasets = 1_000, int grants = 100_000)
    {
        Users = users;
        Datasets = datasets;
        Grants = grants;
        Subjects = [.. Enumerable.Range(0, Users).Select(i => new Subject(Id(1, i), Id(3, i % Institutions), Suspended: Chance(50)))];
        Memberships = [.. Enumerable.Range(0, Users).SelectMany(i =>
        {
            var first = _random.Next(Vos);
            var second = (first + 1 + _random.Next(Vos - 1)) % Vos;
            return new[] { first, second }.Select(vo => new MembershipFact(
                Id(1, i), Id(2, vo), Chance(10) ? MemberRole.Admin : MemberRole.Member,
                Chance(4) ? Now.AddDays(_random.Next(-30, 365)) : null));
        })];
        DatasetList = [.. Enumerable.Range(0, Datasets).Select(i => new DatasetFact(
            Id(4, i), [Id(1, _random.Next(Users))], [Id(1, _random.Next(Users))],
            [Id(2, _random.Next(Vos)), Id(2, _random.Next(Vos))],
            DataUseConditions.Parse(DuoTexts[_random.Next(DuoTexts.Length)]),
            Chance(50) ? DatasetAvailability.Withdrawn : DatasetAvailability.Active))];
        GrantList = [.. Enumerable.Range(0, Grants).Select(NewGrant)];
        _membersByVo = Memberships.GroupBy(m => m.VoId).ToDictionary(g => g.Key, g => g.Select(m => m.UserId).ToArray());
        Data = new PolicyData(Subjects, Memberships, DatasetList, GrantList);
        Requests = [.. Enumerable.Range(0, Questions).Select(_ => NewRequest())];
    }

    public int Users { get; }

    public int Datasets { get; }

    public int Grants { get; }

    public IReadOnlyList<Subject> Subjects { get; }

    public IReadOnlyList<MembershipFact> Memberships { get; }

    public IReadOnlyList<DatasetFact> DatasetList { get; }

    public IReadOnlyList<GrantFact> GrantList { get; }

    public PolicyData Data { get; }

    public AccessQuestion[] Requests { get; }

    private GrantFact NewGrant(int i)
    {
        var vo = Id(2, _random.Next(Vos));
        var target = _random.Next(10) switch
        {
            < 5 => GrantTarget.Person(Id(1, _random.Next(Users))),
            < 8 => GrantTarget.WholeVo(vo),
            8 => GrantTarget.RoleInVo(vo, MemberRole.Admin),
            _ => GrantTarget.InstitutionInVo(vo, Id(3, _random.Next(Institutions))),
        };
        var from = Now.AddDays(-_random.Next(0, 100)).AddDays(Chance(20) ? 50 : 0);
        return new GrantFact(
            Id(5, i), Id(4, _random.Next(Datasets)), target, from, from.AddDays(_random.Next(1, 200)),
            [.. Enumerable.Range(0, 1 + _random.Next(2)).Select(_ => NewGrantPurpose())],
            Chance(2) ? ["age_band", "diagnosis_code"] : null, Id(6, 1), 1, K: 5,
            RevokedAt: Chance(20) ? Now.AddDays(-1) : null);
    }

    private GrantPurpose NewGrantPurpose()
    {
        var code = (PurposeCode)(1 + _random.Next(5));
        return new GrantPurpose(code, code is PurposeCode.DS ? Diseases[1 + _random.Next(Diseases.Length - 1)] : null, Chance(3));
    }

    // Three in four questions aim at an existing grant (its dataset, a user it names, a purpose it lists), so
    // that the engine has real work: membership, time, purpose and DUO checks, and a mix of permits and denies.
    private AccessQuestion NewRequest()
    {
        var grant = GrantList[_random.Next(Grants)];
        var user = grant.Target.Kind == GrantTargetKind.Person ? grant.Target.UserId
            : _membersByVo.TryGetValue(grant.Target.VoId, out var members) ? members[_random.Next(members.Length)]
            : Id(1, _random.Next(Users));
        var aimed = !Chance(4);
        var gp = grant.Purposes[_random.Next(grant.Purposes.Count)];
        var purpose = aimed
            ? new DeclaredPurpose(gp.Code, gp.Code == PurposeCode.DS ? gp.Disease : null, gp.CommercialAllowed && Chance(2), Chance(5) ? null : "EC-1")
            : new DeclaredPurpose((PurposeCode)_random.Next(6), Diseases[_random.Next(Diseases.Length)], Chance(4), "EC-1");
        var client = Chance(3) ? Client.Token(Chance(4) ? TokenScopes.CatalogueRead : TokenScopes.DataExport) : Client.Ui;
        return new AccessQuestion(
            aimed ? user : Id(1, _random.Next(Users)), PolicyAction.ExportData,
            aimed ? grant.DatasetId : Id(4, _random.Next(Datasets)), Now.AddHours(_random.Next(-48, 48)), purpose, client);
    }

    private bool Chance(int oneIn) => _random.Next(oneIn) == 0;

    public static Guid Id(int kind, int n) => new(n, (short)kind, 0, [0, 0, 0, 0, 0, 0, 0, 1]);
}
