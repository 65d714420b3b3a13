namespace Portal.Connectors.Anonymization;

/// <summary>
/// A boolean column recording one consent, and the purposes (GA4GH DUO codes, e.g. "HMB", "GRU", "DS:HIV")
/// that consent covers. A null or false value means "did not consent".
/// </summary>
public sealed record ConsentRule
{
    public string Column { get; init; } = "";
    public IReadOnlyList<string> Purposes { get; init; } = [];

    public bool Covers(string purpose) => Purposes.Any(p => string.Equals(p, purpose, StringComparison.OrdinalIgnoreCase));
}
