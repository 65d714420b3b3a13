using System.Text.Json.Serialization;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// One transform as written in the profile JSON. A flat bag of optional fields: which ones apply
/// depends on <see cref="Type"/>, and <see cref="ProfileValidator"/> says so per field.
/// </summary>
public sealed record TransformSpec
{
    /// <summary>keep, drop, redact, mask, pseudonym, dateShift, dateGeneralize, ageBand, postcode, bin, noise, hierarchy.</summary>
    public string Type { get; init; } = "keep";

    /// <summary>redact: the text that replaces every non-null value (default "***").</summary>
    public string? Replacement { get; init; }

    /// <summary>mask: characters kept at the start and at the end; the rest become <see cref="MaskChar"/>.</summary>
    public int? KeepFirst { get; init; }
    public int? KeepLast { get; init; }
    public string? MaskChar { get; init; }

    /// <summary>pseudonym: HMAC domain (default: the column name); columns sharing a domain share pseudonyms within a grant.</summary>
    public string? Domain { get; init; }

    /// <summary>pseudonym: hex characters kept from the HMAC (16..64, default 32).</summary>
    public int? Length { get; init; }

    /// <summary>dateShift: offsets lie in [-MaxDays, +MaxDays].</summary>
    public int? MaxDays { get; init; }

    /// <summary>dateGeneralize: "year" or "yearMonth".</summary>
    public string? To { get; init; }

    /// <summary>ageBand and bin: width of a band.</summary>
    public double? Width { get; init; }

    /// <summary>ageBand: ages at or above it become "&lt;TopCode&gt;+" (default 90).</summary>
    public int? TopCode { get; init; }

    /// <summary>postcode: leading characters kept (default 3).</summary>
    public int? Digits { get; init; }

    /// <summary>postcode: truncated prefixes too sparsely populated to publish; they become "000…".</summary>
    public IReadOnlyList<string>? RestrictedPrefixes { get; init; }

    /// <summary>noise: values move by at most ±Bound.</summary>
    public double? Bound { get; init; }

    /// <summary>hierarchy: ARX hierarchy CSV (value;level1;…;*), relative to the profile's folder. Either this or <see cref="Build"/>.</summary>
    public string? File { get; init; }

    /// <summary>hierarchy: a hierarchy built from a spec (date, number, postcode, category) instead of a file; needs no folder.</summary>
    public Hierarchies.HierarchyBuild? Build { get; init; }

    /// <summary>hierarchy: the level to publish (0 = original value).</summary>
    public int? Level { get; init; }

    /// <summary>hierarchy: field separator of the file (default ';').</summary>
    public string? Separator { get; init; }

    [JsonIgnore]
    internal IHierarchy? LoadedHierarchy { get; set; }
}
