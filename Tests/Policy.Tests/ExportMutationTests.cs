using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Policy.Tests;

public class ExportMutationTests
{
    private static readonly ValidExport Valid = new();

    [Fact]
    public void The_valid_export_is_permitted_with_the_grants_obligations()
    {
        var decision = Valid.Decide();

        Assert.True(decision.IsPermit, decision.Reasons.ToString());
        Assert.True(decision.Reasons.IsEmpty);
        var o = decision.Obligations;
        Assert.Equal(ValidExport.GrantId, o.PseudonymKeyScope);
        Assert.Equal(["age_band", "diagnosis_code", "cd4_count"], o.Columns);
        Assert.Equal(ValidExport.ProfileId, o.AnonymizationProfileId);
        Assert.Equal(3, o.AnonymizationProfileVersion);
        Assert.Equal(5, o.K);
        Assert.Equal(Valid.Request.Purpose, o.ConsentFilterPurpose);
        Assert.Equal(DuoModifiers.NCU | DuoModifiers.IRB, o.Terms);
        // The membership ends before the grant, so the permission ends with the membership.
        Assert.Equal(ValidExport.Now.AddDays(90), o.ExpiresAt);
    }

    public static TheoryData<string> MutationNames => [.. Mutations.Keys];

    private static readonly Dictionary<string, (Func<ValidExport, ValidExport> Mutate, ReasonCode Reason)> Mutations = new()
    {
        ["grant expired"] = (v => v with { Grant = v.Grant with { ValidUntil = ValidExport.Now } }, ReasonCode.GrantExpired),
        ["grant not yet valid"] = (v => v with { Grant = v.Grant with { ValidFrom = ValidExport.Now.AddTicks(1) } }, ReasonCode.GrantNotYetValid),
        ["grant revoked"] = (v => v with { Grant = v.Grant with { RevokedAt = ValidExport.Now.AddDays(-1) } }, ReasonCode.GrantRevoked),
        ["grant revoked in the future still forbids"] = (v => v with { Grant = v.Grant with { RevokedAt = ValidExport.Now.AddDays(1) } }, ReasonCode.GrantRevoked),
        ["purpose not in grant"] = (v => v with { Grant = v.Grant with { Purposes = [new GrantPurpose(PurposeCode.MDS, "B20-B24")] } }, ReasonCode.PurposeNotCovered),
        ["purpose disease outside grant disease"] = (v => v with { Grant = v.Grant with { Purposes = [new GrantPurpose(PurposeCode.DS, "B21")] } }, ReasonCode.PurposeNotCovered),
        ["commercial purpose on a non-commercial grant"] = (v => v with { Dataset = v.Dataset with { DataUse = DataUseConditions.Parse("DS:B20-B24") }, Request = v.Request with { Purpose = v.Request.Purpose with { Commercial = true } } }, ReasonCode.PurposeNotCovered),
        ["DUO disease mismatch"] = (v => v with { Dataset = v.Dataset with { DataUse = DataUseConditions.Parse("DS:C50 NCU IRB") } }, ReasonCode.DuoDsDiseaseMismatch),
        ["DUO NCU and commercial use"] = (v => v with { Grant = v.Grant with { Purposes = [new GrantPurpose(PurposeCode.DS, "B20-B24", CommercialAllowed: true)] }, Request = v.Request with { Purpose = v.Request.Purpose with { Commercial = true } } }, ReasonCode.DuoNcuForbidsCommercial),
        ["DUO IRB without ethics approval"] = (v => v with { Request = v.Request with { Purpose = v.Request.Purpose with { EthicsApprovalReference = " " } } }, ReasonCode.DuoIrbRequiresEthicsApproval),
        ["DUO US with a VO-wide grant"] = (v => v with { Dataset = v.Dataset with { DataUse = DataUseConditions.Parse("DS:B20-B24 NCU IRB US") } }, ReasonCode.DuoUsRequiresPersonalGrant),
        ["no purpose stated"] = (v => v with { Request = v.Request with { Purpose = DeclaredPurpose.None } }, ReasonCode.PurposeMissing),
        ["DS purpose without disease"] = (v => v with { Request = v.Request with { Purpose = v.Request.Purpose with { Disease = null } } }, ReasonCode.PurposeDiseaseMissing),
        ["grant to another VO"] = (v => v with { Grant = v.Grant with { Target = GrantTarget.WholeVo(ValidExport.OtherVo) } }, ReasonCode.GrantNone),
        ["grant to another person"] = (v => v with { Grant = v.Grant with { Target = GrantTarget.Person(ValidExport.Owner) } }, ReasonCode.GrantNone),
        ["grant on another dataset"] = (v => v with { Grant = v.Grant with { DatasetId = ValidExport.Id(31) } }, ReasonCode.GrantNone),
        ["grant to another role"] = (v => v with { Grant = v.Grant with { Target = GrantTarget.RoleInVo(ValidExport.Cohort, MemberRole.Admin) } }, ReasonCode.GrantRoleMismatch),
        ["grant to another institution"] = (v => v with { Grant = v.Grant with { Target = GrantTarget.InstitutionInVo(ValidExport.Cohort, ValidExport.InstitutionB) } }, ReasonCode.GrantInstitutionMismatch),
        ["membership expired"] = (v => v with { Membership = v.Membership with { ExpiresAt = ValidExport.Now } }, ReasonCode.MembershipExpired),
        ["membership in another VO"] = (v => v with { Membership = v.Membership with { VoId = ValidExport.OtherVo } }, ReasonCode.GrantNone),
        ["user suspended"] = (v => v with { Subject = v.Subject with { Suspended = true } }, ReasonCode.SubjectSuspended),
        ["user unknown"] = (v => v with { Request = v.Request with { SubjectId = ValidExport.Id(99) } }, ReasonCode.SubjectUnknown),
        ["dataset withdrawn"] = (v => v with { Dataset = v.Dataset with { Status = DatasetAvailability.Withdrawn } }, ReasonCode.DatasetWithdrawn),
        ["dataset unknown"] = (v => v with { Request = v.Request with { ResourceId = ValidExport.Id(31) } }, ReasonCode.DatasetUnknown),
        ["token without data:export"] = (v => v with { Request = v.Request with { Client = Client.Token(TokenScopes.CatalogueRead) } }, ReasonCode.TokenScopeMissing),
    };

    [Theory]
    [MemberData(nameof(MutationNames))]
    public void A_single_mutation_denies_with_its_own_reason(string mutation)
    {
        var (mutate, reason) = Mutations[mutation];

        var decision = mutate(Valid).Decide();

        Assert.False(decision.IsPermit);
        Assert.True(decision.Reasons.Contains(reason), $"expected {ReasonCatalog.Code(reason)}, got {decision.Reasons}");
        Assert.Equal(default, decision.Obligations);
    }

    [Fact]
    public void Other_owner_cannot_manage_the_dataset_but_its_owner_can()
    {
        var snapshot = Valid.Snapshot();
        var asAlice = Valid.Request with { Action = PolicyAction.ManageDataset, Client = Client.Ui };

        Assert.Equal(ReasonSet.Of(ReasonCode.NotOwnerOrSteward), snapshot.Decide(asAlice).Reasons);
        Assert.True(snapshot.Decide(asAlice with { SubjectId = ValidExport.Owner }).IsPermit);
    }

    [Fact]
    public void A_deny_lists_every_reason_not_only_the_first()
    {
        var v = Valid with
        {
            Subject = Valid.Subject with { Suspended = true },
            Dataset = Valid.Dataset with { Status = DatasetAvailability.Withdrawn },
            Grant = Valid.Grant with { ValidUntil = ValidExport.Now, RevokedAt = ValidExport.Now },
            Request = Valid.Request with { Client = Client.Token(TokenScopes.None) },
        };

        var reasons = v.Decide().Reasons;

        Assert.Equal(
            ReasonSet.Of(ReasonCode.SubjectSuspended, ReasonCode.DatasetWithdrawn, ReasonCode.GrantExpired, ReasonCode.GrantRevoked, ReasonCode.TokenScopeMissing),
            reasons);
    }

    [Fact]
    public void A_revoked_grant_does_not_block_another_valid_grant()
    {
        var personal = Valid.Grant with { Id = ValidExport.Id(41), Target = GrantTarget.Person(ValidExport.Alice) };
        var snapshot = Valid.Snapshot()
            .WithGrant(Valid.Grant with { RevokedAt = ValidExport.Now })
            .WithGrant(personal);

        var decision = snapshot.Decide(Valid.Request);

        Assert.True(decision.IsPermit);
        Assert.Equal(personal.Id, decision.Obligations.PseudonymKeyScope);
    }
}
