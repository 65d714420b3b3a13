using Portal.Policy.Model;

namespace Portal.Policy.Tests;

public class OtherActionTests
{
    private static readonly ValidExport Valid = new();
    private static readonly Guid Stranger = ValidExport.Id(5);

    private static PolicySnapshot Snapshot() => Valid.Snapshot()
        .WithSubject(new Subject(Stranger, ValidExport.InstitutionB))
        .WithMembership(new MembershipFact(Stranger, ValidExport.OtherVo, MemberRole.Admin));

    private static Decision Ask(Guid who, PolicyAction action, Guid? resource = null, Client? client = null) =>
        Snapshot().Decide(Valid.Request with { SubjectId = who, Action = action, ResourceId = resource ?? ValidExport.HivDataset, Client = client ?? Client.Ui });

    [Fact]
    public void A_member_of_a_VO_the_dataset_is_shared_into_sees_its_metadata_a_stranger_does_not()
    {
        Assert.True(Ask(ValidExport.Alice, PolicyAction.ViewMetadata).IsPermit);
        Assert.Equal(ReasonSet.Of(ReasonCode.DatasetNotVisible), Ask(Stranger, PolicyAction.ViewMetadata).Reasons);
    }

    [Fact]
    public void An_expired_membership_hides_the_dataset_and_says_why()
    {
        var snapshot = Snapshot().WithMembership(Valid.Membership with { ExpiresAt = ValidExport.Now.AddDays(-1) });

        var decision = snapshot.Decide(Valid.Request with { Action = PolicyAction.ViewMetadata, Client = Client.Ui });

        Assert.Equal(ReasonSet.Of(ReasonCode.DatasetNotVisible, ReasonCode.MembershipExpired), decision.Reasons);
    }

    [Fact]
    public void A_withdrawn_dataset_is_visible_to_its_owner_only()
    {
        var snapshot = Snapshot().WithDataset(Valid.Dataset with { Status = DatasetAvailability.Withdrawn });
        var request = Valid.Request with { Action = PolicyAction.ViewMetadata, Client = Client.Ui };

        Assert.True(snapshot.Decide(request with { SubjectId = ValidExport.Owner }).IsPermit);
        Assert.Equal(ReasonSet.Of(ReasonCode.DatasetWithdrawn), snapshot.Decide(request).Reasons);
    }

    [Fact]
    public void Requesting_access_needs_visibility_a_purpose_and_DUO_compatibility()
    {
        Assert.True(Ask(ValidExport.Alice, PolicyAction.RequestAccess).IsPermit);
        var noPurpose = Snapshot().Decide(Valid.Request with { Action = PolicyAction.RequestAccess, Client = Client.Ui, Purpose = default });
        Assert.Equal(ReasonSet.Of(ReasonCode.PurposeMissing), noPurpose.Reasons);
        Assert.Equal(ReasonSet.Of(ReasonCode.DatasetNotVisible), Ask(Stranger, PolicyAction.RequestAccess).Reasons);
    }

    [Theory]
    [InlineData(PolicyAction.ManageDataset)]
    [InlineData(PolicyAction.DecideRequests)]
    [InlineData(PolicyAction.ViewAudit)]
    public void Owners_and_stewards_run_their_dataset_members_do_not(PolicyAction action)
    {
        Assert.True(Ask(ValidExport.Owner, action).IsPermit);
        Assert.True(Ask(ValidExport.Steward, action).IsPermit);
        Assert.False(Ask(ValidExport.Alice, action).IsPermit);
    }

    [Fact]
    public void Nobody_decides_requests_on_a_withdrawn_dataset()
    {
        var snapshot = Snapshot().WithDataset(Valid.Dataset with { Status = DatasetAvailability.Withdrawn });

        var decision = snapshot.Decide(Valid.Request with { SubjectId = ValidExport.Owner, Action = PolicyAction.DecideRequests, Client = Client.Ui });

        Assert.Equal(ReasonSet.Of(ReasonCode.DatasetWithdrawn), decision.Reasons);
    }

    [Fact]
    public void An_auditor_of_a_VO_reads_the_trail_of_the_datasets_shared_into_it()
    {
        var snapshot = Snapshot().WithMembership(Valid.Membership with { Role = MemberRole.Auditor });
        var request = Valid.Request with { Action = PolicyAction.ViewAudit, Client = Client.Ui };

        Assert.True(snapshot.Decide(request).IsPermit);
        Assert.Equal(ReasonSet.Of(ReasonCode.AuditOutOfScope), Snapshot().Decide(request).Reasons);
    }

    [Fact]
    public void Only_a_current_VO_admin_manages_its_membership()
    {
        Assert.True(Ask(Stranger, PolicyAction.ManageVoMembership, ValidExport.OtherVo).IsPermit);
        Assert.Equal(ReasonSet.Of(ReasonCode.NotVoAdmin), Ask(ValidExport.Alice, PolicyAction.ManageVoMembership, ValidExport.Cohort).Reasons);
        var expired = Snapshot().WithMembership(new MembershipFact(Stranger, ValidExport.OtherVo, MemberRole.Admin, ValidExport.Now));
        var decision = expired.Decide(Valid.Request with { SubjectId = Stranger, Action = PolicyAction.ManageVoMembership, ResourceId = ValidExport.OtherVo, Client = Client.Ui });
        Assert.Equal(ReasonSet.Of(ReasonCode.MembershipExpired), decision.Reasons);
    }

    [Fact]
    public void A_suspended_owner_can_do_nothing()
    {
        var snapshot = Snapshot().WithSuspension(ValidExport.Owner, suspended: true);

        var decision = snapshot.Decide(Valid.Request with { SubjectId = ValidExport.Owner, Action = PolicyAction.ManageDataset, Client = Client.Ui });

        Assert.Equal(ReasonSet.Of(ReasonCode.SubjectSuspended), decision.Reasons);
    }

    [Fact]
    public void Each_action_needs_its_own_token_scope()
    {
        var exportOnly = Client.Token(TokenScopes.DataExport);

        Assert.Equal(ReasonSet.Of(ReasonCode.TokenScopeMissing), Ask(ValidExport.Owner, PolicyAction.ManageDataset, client: exportOnly).Reasons);
        Assert.True(Ask(ValidExport.Owner, PolicyAction.ManageDataset, client: Client.Token(TokenScopeNames.Parse(["datasets:manage"]))).IsPermit);
    }
}
