namespace Portal.Policy.Model;

/// <summary>
/// Why a request was denied. The numeric value is a bit position in <see cref="ReasonSet"/> and may change;
/// the stable identifier for logs, the API and the audit trail is <see cref="ReasonCatalog.Code"/>.
/// </summary>
public enum ReasonCode : byte
{
    SubjectUnknown,
    SubjectSuspended,
    DatasetUnknown,
    DatasetWithdrawn,
    DatasetNotVisible,
    NotOwnerOrSteward,
    NotVoAdmin,
    AuditOutOfScope,
    MembershipExpired,
    GrantNone,
    GrantNotYetValid,
    GrantExpired,
    GrantRevoked,
    GrantRoleMismatch,
    GrantInstitutionMismatch,
    PurposeMissing,
    PurposeDiseaseMissing,
    PurposeNotCovered,
    DuoHmbRequiresHealthResearch,
    DuoDsRequiresDiseaseResearch,
    DuoDsDiseaseMismatch,
    DuoPoaRequiresAncestryResearch,
    DuoNcuForbidsCommercial,
    DuoNpuForbidsForProfit,
    DuoNpuncuForbidsCommercial,
    DuoNmdsForbidsMethods,
    DuoIrbRequiresEthicsApproval,
    DuoUsRequiresPersonalGrant,
    TokenScopeMissing,
    ActionUnsupported,
}
