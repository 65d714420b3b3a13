namespace Portal.Policy.Model;

/// <summary>
/// Permission for a target to export one dataset between <see cref="ValidFrom"/> (inclusive) and
/// <see cref="ValidUntil"/> (exclusive) for the listed purposes. A revoked grant never permits, whatever its dates.
/// </summary>
public sealed record GrantFact(
    Guid Id,
    Guid DatasetId,
    GrantTarget Target,
    DateTimeOffset ValidFrom,
    DateTimeOffset ValidUntil,
    IReadOnlyList<GrantPurpose> Purposes,
    IReadOnlyList<string>? Columns = null,
    Guid AnonymizationProfileId = default,
    int AnonymizationProfileVersion = 0,
    int K = 1,
    DateTimeOffset? RevokedAt = null)
{
    public bool IsRevoked => RevokedAt is not null;
}
