using System.Collections.Frozen;

namespace Portal.Policy.Model;

/// <summary>
/// Stable string codes and human sentences for reasons. Codes are a public contract (API, audit trail):
/// never rename one, add a new one instead.
/// </summary>
public static class ReasonCatalog
{
    private static readonly FrozenDictionary<ReasonCode, (string Code, string Sentence)> Entries =
        new Dictionary<ReasonCode, (string, string)>
        {
            [ReasonCode.SubjectUnknown] = ("subject.unknown", "The portal does not know this user."),
            [ReasonCode.SubjectSuspended] = ("subject.suspended", "Your account is suspended."),
            [ReasonCode.DatasetUnknown] = ("dataset.unknown", "There is no such dataset or VO."),
            [ReasonCode.DatasetWithdrawn] = ("dataset.withdrawn", "The dataset has been withdrawn by its owner."),
            [ReasonCode.DatasetNotVisible] = ("dataset.not_visible", "The dataset is not in the catalogue of any VO you are a current member of."),
            [ReasonCode.NotOwnerOrSteward] = ("dataset.not_owner_or_steward", "Only the dataset's owners and stewards may do this."),
            [ReasonCode.NotVoAdmin] = ("vo.not_admin", "Only an administrator of the VO may manage its members."),
            [ReasonCode.AuditOutOfScope] = ("audit.out_of_scope", "This audit trail is outside what your role lets you read."),
            [ReasonCode.MembershipExpired] = ("membership.expired", "Your membership of the VO through which you would have access has expired."),
            [ReasonCode.GrantNone] = ("grant.none", "No grant on this dataset names you, your VO, your VO role or your institution."),
            [ReasonCode.GrantNotYetValid] = ("grant.not_yet_valid", "Your grant is not valid yet."),
            [ReasonCode.GrantExpired] = ("grant.expired", "Your grant has expired."),
            [ReasonCode.GrantRevoked] = ("grant.revoked", "Your grant has been revoked."),
            [ReasonCode.GrantRoleMismatch] = ("grant.role_mismatch", "The grant is for another role in the VO than yours."),
            [ReasonCode.GrantInstitutionMismatch] = ("grant.institution_mismatch", "The grant is for the VO's members from another institution."),
            [ReasonCode.PurposeMissing] = ("purpose.missing", "Every request must state its purpose."),
            [ReasonCode.PurposeDiseaseMissing] = ("purpose.disease_missing", "Disease-specific research must name the disease."),
            [ReasonCode.PurposeNotCovered] = ("purpose.not_covered", "The stated purpose is not one your grant was approved for."),
            [ReasonCode.DuoHmbRequiresHealthResearch] = ("duo.hmb_requires_health_research", "The dataset may only be used for health, medical or biomedical research (HMB)."),
            [ReasonCode.DuoDsRequiresDiseaseResearch] = ("duo.ds_requires_disease_research", "The dataset may only be used for research on specific diseases (DS)."),
            [ReasonCode.DuoDsDiseaseMismatch] = ("duo.ds_disease_mismatch", "The disease you study is neither the dataset's disease nor one of its subtypes (DS)."),
            [ReasonCode.DuoPoaRequiresAncestryResearch] = ("duo.poa_requires_ancestry_research", "The dataset may only be used for population, origin or ancestry research (POA)."),
            [ReasonCode.DuoNcuForbidsCommercial] = ("duo.ncu_forbids_commercial", "The dataset's consent forbids commercial use (NCU)."),
            [ReasonCode.DuoNpuForbidsForProfit] = ("duo.npu_forbids_for_profit", "The dataset may only be used by not-for-profit organisations (NPU)."),
            [ReasonCode.DuoNpuncuForbidsCommercial] = ("duo.npuncu_forbids_commercial", "The dataset may only be used non-commercially by not-for-profit organisations (NPUNCU)."),
            [ReasonCode.DuoNmdsForbidsMethods] = ("duo.nmds_forbids_methods", "The dataset forbids methods development outside its disease (NMDS)."),
            [ReasonCode.DuoIrbRequiresEthicsApproval] = ("duo.irb_requires_ethics_approval", "The dataset requires an ethics approval reference (IRB)."),
            [ReasonCode.DuoUsRequiresPersonalGrant] = ("duo.us_requires_personal_grant", "The dataset may only be used by named users (US); VO-wide grants do not count."),
            [ReasonCode.TokenScopeMissing] = ("token.scope_missing", "Your API token lacks the scope this action needs."),
            [ReasonCode.ActionUnsupported] = ("action.unsupported", "The policy does not know this action."),
        }.ToFrozenDictionary();

    public static string Code(ReasonCode reason) => Entries[reason].Code;

    public static string Sentence(ReasonCode reason) => Entries[reason].Sentence;

    public static IEnumerable<ReasonCode> All => Enum.GetValues<ReasonCode>();
}
