namespace Portal.Policy.Model;

/// <summary>What the subject wants to do. The resource is a dataset, except for <see cref="ManageVoMembership"/> (a VO).</summary>
public enum PolicyAction : byte
{
    ViewMetadata,
    RequestAccess,
    ExportData,
    ManageDataset,
    DecideRequests,
    ViewAudit,
    ManageVoMembership,
}
