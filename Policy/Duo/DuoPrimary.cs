namespace Portal.Policy.Duo;

/// <summary>The primary data-use permission of a dataset (exactly one per dataset).</summary>
public enum DuoPrimary : byte
{
    /// <summary>No restriction.</summary>
    NRES,
    GRU,
    HMB,
    DS,
    POA,
}
