using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>A grant with its purposes in an array for the decision loop.</summary>
internal sealed class IndexedGrant(Grant grant)
{
    public Grant Grant { get; } = grant;

    public GrantPurpose[] Purposes { get; } = [.. grant.Purposes];

    public GrantKey Key => new(Grant.DatasetId, Grant.Target.PrincipalId);
}
