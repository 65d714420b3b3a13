using Portal.Connectors.Anonymization;
using Portal.Connectors.Writers;

namespace Portal.Connectors;

/// <summary>
/// What one export must deliver: the portal maps a policy decision's obligations onto it.
/// The connector never asks who the user is; it trusts this record.
/// </summary>
public sealed record ExportRequest
{
    public required AnonymizationProfile Profile { get; init; }

    /// <summary>The declared purpose code (GA4GH DUO, e.g. "HMB", "GRU", "DS:HIV"); matched against the profile's consent rules.</summary>
    public required string Purpose { get; init; }

    /// <summary>The per-grant key from <see cref="KeyDerivation.ForGrant"/>; pseudonyms, date shifts and noise derive from it.</summary>
    public required byte[] GrantKey { get; init; }

    /// <summary>Columns to deliver, in this order; null = every column the profile does not drop.</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The grant's k; the export uses the larger of this and the profile's k.</summary>
    public int K { get; init; } = 1;

    /// <summary>Recorded in the manifest.</summary>
    public string? GrantId { get; init; }

    /// <summary>The researcher's free-text purpose, recorded in the manifest.</summary>
    public string? PurposeText { get; init; }

    public ExportFormat Format { get; init; } = ExportFormat.Csv;

    public bool Gzip { get; init; }

    /// <summary>Rows per Parquet row group: the writer holds one group in memory.</summary>
    public int ParquetRowGroupSize { get; init; } = 64 * 1024;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Bytes of rows kept while the class count still runs (then the stream waits for it); small in tests.</summary>
    internal long PendingLimit { get; init; } = 32L << 20;

    /// <summary>Forces the class table's layout (tests); the default picks the cheapest that fits.</summary>
    internal ClassTableKind ClassTable { get; init; }
}
