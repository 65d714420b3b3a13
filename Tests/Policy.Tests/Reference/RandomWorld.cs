using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Tests.Reference;

/// <summary>
/// Small random worlds where ids, times, roles and purposes collide often, so that every rule and every
/// tie-break is exercised. Seeded: a failure prints its seed and replays.
/// </summary>
internal sealed class RandomWorld(int seed)
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] DuoTexts =
    [
        "NRES", "GRU", "GRU NCU", "GRU NPU IRB", "GRU NMDS", "HMB", "HMB NPUNCU", "HMB US", "POA", "POA IRB",
        "DS:B20-B24", "DS:HIV NCU", "DS:B20 NMDS", "DS:C50 DS:B21", "DS:E10-E14 US IRB", "GRU GS PUB COL TS PS RTN",
    ];

    private static readonly string?[] Diseases = [null, "B20", "B20.1", "B20-B24", "HIV", "Z21", "C50", "E11", "B21", "X99"];

    public Random Random { get; } = new(seed);

    public static Guid User(int n) => Id(1, n);

    public static Guid Vo(int n) => Id(2, n);

    public static Guid Institution(int n) => Id(3, n);

    public static Guid DatasetId(int n) => Id(4, n);

    public static Guid GrantId(int n) => Id(5, n);

    public const int Users = 6;
    public const int Vos = 3;
    public const int DatasetCount = 4;
    public const int GrantIds = 10;

    public DateTimeOffset Time() => Now.AddDays(Random.Next(-4, 5));

    public DateTimeOffset? MaybeTime() => Random.Next(3) == 0 ? null : Time();

    public T Pick<T>(IReadOnlyList<T> items) => items[Random.Next(items.Count)];

    public bool Chance(int oneIn) => Random.Next(oneIn) == 0;

    public Subject Subject(int n) => new(User(n), Institution(Random.Next(2)), Suspended: Chance(8));

    public MembershipFact Membership(int user, int vo) =>
        new(User(user), Vo(vo), Pick([MemberRole.Member, MemberRole.Member, MemberRole.Admin, MemberRole.Auditor]), MaybeTime());

    public DatasetFact Dataset(int n) => new(
        DatasetId(n),
        [User(Random.Next(Users))],
        Chance(2) ? [User(Random.Next(Users))] : [],
        [.. Enumerable.Range(0, Vos).Where(_ => Chance(2)).Select(Vo)],
        DataUseConditions.Parse(Pick(DuoTexts)),
        Chance(6) ? DatasetAvailability.Withdrawn : DatasetAvailability.Active);

    public GrantFact Grant(int n)
    {
        var target = Random.Next(4) switch
        {
            0 => GrantTarget.Person(User(Random.Next(Users))),
            1 => GrantTarget.WholeVo(Vo(Random.Next(Vos))),
            2 => GrantTarget.RoleInVo(Vo(Random.Next(Vos)), Pick([MemberRole.Member, MemberRole.Admin, MemberRole.Auditor])),
            _ => GrantTarget.InstitutionInVo(Vo(Random.Next(Vos)), Institution(Random.Next(2))),
        };
        var from = Time();
        return new GrantFact(
            GrantId(n), DatasetId(Random.Next(DatasetCount)), target, from, from.AddDays(Random.Next(0, 6)),
            [.. Enumerable.Range(0, Random.Next(0, 3)).Select(_ => new GrantPurpose(Purpose().Code, Pick(Diseases), Chance(3)))],
            Columns: Chance(2) ? ["a", "b"] : null,
            AnonymizationProfileId: Id(6, Random.Next(3)),
            AnonymizationProfileVersion: Random.Next(3),
            K: Random.Next(1, 10),
            RevokedAt: Chance(6) ? Time() : null);
    }

    public DeclaredPurpose Purpose()
    {
        var code = Pick([PurposeCode.None, PurposeCode.GRU, PurposeCode.HMB, PurposeCode.DS, PurposeCode.DS, PurposeCode.POA, PurposeCode.MDS]);
        return new DeclaredPurpose(code, Pick(Diseases), Chance(4), Chance(2) ? "EC-7" : Pick([null, "", " "]));
    }

    public PolicyData Data()
    {
        var subjects = Enumerable.Range(0, Users).Where(_ => !Chance(10)).Select(Subject).ToList();
        var memberships = (from u in Enumerable.Range(0, Users) from v in Enumerable.Range(0, Vos) where Chance(2) select Membership(u, v)).ToList();
        var datasets = Enumerable.Range(0, DatasetCount).Where(_ => !Chance(10)).Select(Dataset).ToList();
        var grants = Enumerable.Range(0, GrantIds).Where(_ => !Chance(4)).Select(Grant).ToList();
        return new PolicyData(subjects, memberships, datasets, grants);
    }

    /// <summary>Half of the requests aim at an existing grant, so that permits are common enough to test.</summary>
    public AccessQuestion Request(PolicyData data)
    {
        var request = Request();
        if (data.Grants.Count == 0 || Chance(2))
        {
            return request;
        }
        var grant = Pick(data.Grants.ToList());
        var members = data.Memberships.Where(m => m.VoId == grant.Target.VoId).Select(m => m.UserId).ToList();
        var user = grant.Target.Kind == GrantTargetKind.Person || members.Count == 0 ? grant.Target.UserId : Pick(members);
        var purpose = grant.Purposes.Count == 0
            ? request.Purpose
            : Pick(grant.Purposes.ToList()) is var p ? new DeclaredPurpose(p.Code, p.Disease ?? Pick(Diseases), p.CommercialAllowed && Chance(2), "EC-7") : default;
        return request with
        {
            SubjectId = user,
            Action = PolicyAction.ExportData,
            ResourceId = grant.DatasetId,
            Now = grant.ValidFrom.AddHours(Random.Next(0, 30)),
            Purpose = purpose,
            Client = Chance(2) ? Client.Ui : Client.Token(TokenScopes.DataExport),
        };
    }

    public AccessQuestion Request()
    {
        var action = Random.Next(10) < 6 ? PolicyAction.ExportData : (PolicyAction)Random.Next(7);
        var resource = action == PolicyAction.ManageVoMembership ? Vo(Random.Next(Vos + 1)) : DatasetId(Random.Next(DatasetCount + 1));
        var client = Chance(2)
            ? Client.Ui
            : Client.Token((TokenScopes)Random.Next(128) | (Chance(2) ? TokenScopes.DataExport : TokenScopes.None));
        return new AccessQuestion(User(Random.Next(Users + 1)), action, resource, Now.AddDays(Random.Next(-2, 3)).AddHours(Random.Next(0, 3) * 12), Purpose(), client);
    }

    private static Guid Id(int kind, int n) => new(n, (short)kind, 0, [0, 0, 0, 0, 0, 0, 0, (byte)n]);
}
