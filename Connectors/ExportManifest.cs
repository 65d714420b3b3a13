using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Connectors.Anonymization;

namespace Portal.Connectors;

/// <summary>What one export did, for the audit log. <see cref="Complete"/> is false for every export that did not finish.</summary>
public sealed record ExportManifest
{
    public required string Source { get; init; }
    public required string ProfileName { get; init; }
    public required int ProfileVersion { get; init; }
    public string? GrantId { get; init; }
    public required string Purpose { get; init; }
    public string? PurposeText { get; init; }
    public required string Format { get; init; }
    public bool Gzip { get; init; }

    /// <summary>Rows the source held (after the owner's filters), before consent.</summary>
    public long RowsRead { get; init; }

    public long RowsFilteredByConsent { get; init; }

    /// <summary>Rows in equivalence classes smaller than <see cref="K"/>.</summary>
    public long RowsSuppressed { get; init; }

    public long RowsWritten { get; init; }

    public int K { get; init; }

    /// <summary>Size of the smallest equivalence class delivered (null when nothing was delivered).</summary>
    public long? KAchieved { get; init; }

    public long EquivalenceClasses { get; init; }

    public long EquivalenceClassesSuppressed { get; init; }

    /// <summary>Re-identification risk of the delivered classes (prosecutor, marketer, sample uniques); null for an incomplete export.</summary>
    public Anonymization.Risk.ReidentificationRisk? Risk { get; init; }

    public IReadOnlyList<string> QuasiIdentifiers { get; init; } = [];

    public IReadOnlyList<ManifestColumn> Columns { get; init; } = [];

    /// <summary>SHA-256 (hex) of exactly the bytes written to the output stream, after compression.</summary>
    public string? Sha256 { get; init; }

    public long BytesWritten { get; init; }

    public bool Complete { get; init; }

    public string? Error { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset FinishedAt { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>A manifest another process wrote with <see cref="ToJson"/> (a site agent's); null when it is not one.</summary>
    public static ExportManifest? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ExportManifest>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed record ManifestColumn(string Name, ColumnClass Class, string Transform, string Type);
