using Portal.Policy.Model;

namespace Portal.Policy.Indexing;

/// <summary>
/// The cold part of an indexed grant, at the same slot as its <see cref="GrantRow"/>: the record (for the obligations
/// and the explain view), the exact times (read only when the request falls in the same minute as a bound, or for a
/// grant that passes), the offset ValidUntil was stated in, the institution of an institution grant, and the purposes
/// narrowed to a disease (null when there are none; the row's flag says so without this load).
/// </summary>
internal readonly struct GrantSource(GrantFact fact, DiseasePurpose[]? diseasePurposes, int institution)
{
    public readonly GrantFact Fact = fact;
    public readonly DiseasePurpose[]? DiseasePurposes = diseasePurposes;
    public readonly long FromTicks = fact.ValidFrom.UtcTicks;
    public readonly int Institution = institution;

    /// <summary>ValidUntil as the record states it (same instant, same offset), without loading the record.</summary>
    public readonly DateTimeOffset ValidUntil = fact.ValidUntil;

    public long UntilTicks => ValidUntil.UtcTicks;
}
