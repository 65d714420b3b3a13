using Portal.Policy.Duo;

namespace Portal.Policy.Model;

/// <summary>
/// What the portal and the connector must enforce when a data export is permitted. It points at the chosen
/// grant instead of copying its lists, so that a decision does not allocate.
/// </summary>
public readonly record struct Obligations(
    GrantFact? Grant,
    DateTimeOffset ExpiresAt,
    DeclaredPurpose ConsentFilterPurpose,
    DuoModifiers Terms)
{
    /// <summary>Columns the export may contain; null means every column the profile lets through.</summary>
    public IReadOnlyList<string>? Columns => Grant?.Columns;

    public Guid AnonymizationProfileId => Grant?.AnonymizationProfileId ?? Guid.Empty;

    public int AnonymizationProfileVersion => Grant?.AnonymizationProfileVersion ?? 0;

    public int K => Grant?.K ?? 0;

    /// <summary>Pseudonym keys are derived per grant: stable within it, unlinkable across grants.</summary>
    public Guid PseudonymKeyScope => Grant?.Id ?? Guid.Empty;
}
