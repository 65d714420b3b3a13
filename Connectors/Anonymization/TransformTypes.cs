namespace Portal.Connectors.Anonymization;

public static class TransformTypes
{
    public const string Keep = "keep";
    public const string Drop = "drop";
    public const string Redact = "redact";
    public const string Mask = "mask";
    public const string Pseudonym = "pseudonym";
    public const string DateShift = "dateShift";
    public const string DateGeneralize = "dateGeneralize";
    public const string AgeBand = "ageBand";
    public const string Postcode = "postcode";
    public const string Bin = "bin";
    public const string Noise = "noise";
    public const string Hierarchy = "hierarchy";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        Keep, Drop, Redact, Mask, Pseudonym, DateShift, DateGeneralize, AgeBand, Postcode, Bin, Noise, Hierarchy,
    };

    /// <summary>What a direct identifier may become: nothing that keeps its value readable.</summary>
    public static readonly IReadOnlySet<string> AllowedForDirectIdentifiers = new HashSet<string>(StringComparer.Ordinal)
    {
        Drop, Redact, Mask, Pseudonym,
    };

    /// <summary>
    /// Quasi-identifiers form the equivalence classes: their output must be a deterministic function of the
    /// value alone, so that counting classes (in the database or in a first pass) and streaming agree.
    /// </summary>
    public static readonly IReadOnlySet<string> AllowedForQuasiIdentifiers = new HashSet<string>(StringComparer.Ordinal)
    {
        Keep, Drop, Redact, Mask, DateGeneralize, AgeBand, Postcode, Bin, Hierarchy,
    };
}
