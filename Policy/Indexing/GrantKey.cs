namespace Portal.Policy.Indexing;

/// <summary>Grants are found by (dataset, principal): the user for personal grants, the VO for all others.</summary>
internal readonly struct GrantKey(Guid datasetId, Guid principalId) : IEquatable<GrantKey>
{
    public Guid DatasetId { get; } = datasetId;

    public Guid PrincipalId { get; } = principalId;

    public bool Equals(GrantKey other) => DatasetId == other.DatasetId && PrincipalId == other.PrincipalId;

    public override bool Equals(object? obj) => obj is GrantKey other && Equals(other);

    public override int GetHashCode() => DatasetId.GetHashCode() ^ (PrincipalId.GetHashCode() * -1640531535);
}
