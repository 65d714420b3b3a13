using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Tests;

/// <summary>
/// One fully valid export, in the Sustainsys style: every test starts here and changes one thing.
/// Alice (institution A) is a member of VO "cohort", into which the HIV dataset is shared; a VO-wide grant
/// lets the VO export it for DS:B20 research until the end of 2026.
/// </summary>
internal sealed record ValidExport
{
    public static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static readonly Guid Alice = Id(1);
    public static readonly Guid Owner = Id(2);
    public static readonly Guid Steward = Id(3);
    public static readonly Guid InstitutionA = Id(10);
    public static readonly Guid InstitutionB = Id(11);
    public static readonly Guid Cohort = Id(20);
    public static readonly Guid OtherVo = Id(21);
    public static readonly Guid HivDataset = Id(30);
    public static readonly Guid GrantId = Id(40);
    public static readonly Guid ProfileId = Id(50);

    public Subject Subject { get; init; } = new(Alice, InstitutionA);

    public MembershipFact Membership { get; init; } = new(Alice, Cohort, MemberRole.Member, Now.AddDays(90));

    public DatasetFact Dataset { get; init; } = new(
        HivDataset, [Owner], [Steward], [Cohort], DataUseConditions.Parse("DS:B20-B24 NCU IRB"));

    public GrantFact Grant { get; init; } = new(
        GrantId, HivDataset, GrantTarget.WholeVo(Cohort), Now.AddDays(-30), Now.AddDays(200),
        [new GrantPurpose(PurposeCode.DS, "B20-B24")], ["age_band", "diagnosis_code", "cd4_count"], ProfileId, 3, K: 5);

    public AccessQuestion Request { get; init; } = new(
        Alice, PolicyAction.ExportData, HivDataset, Now,
        new DeclaredPurpose(PurposeCode.DS, "B20.1", Commercial: false, EthicsApprovalReference: "EC-2026-017"),
        Client.Token(TokenScopes.DataExport | TokenScopes.CatalogueRead));

    public PolicySnapshot Snapshot() => PolicySnapshot.Build(new PolicyData(
        [Subject, new Subject(Owner, InstitutionB), new Subject(Steward, InstitutionB)],
        [Membership],
        [Dataset],
        [Grant]));

    public Decision Decide() => Snapshot().Decide(Request);

    public static Guid Id(int n) => new(n, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0]);
}
