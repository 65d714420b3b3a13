using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Connectors.SiteAgent.SitePolicy;

/// <summary>
/// The owner's site.json: where the agent keeps its state, which sources it may open and what each exposed dataset
/// may give. The portal cannot change it; docs/site-agent.md describes every member. Relative paths are resolved
/// against the file's own folder.
/// </summary>
public sealed record SiteConfig
{
    public string StateDirectory { get; init; } = "";

    /// <summary>A file holding the site's pseudonym master secret, base64, at least 32 bytes.</summary>
    public string PseudonymSecretFile { get; init; } = "";

    public IReadOnlyList<string> FileRoots { get; init; } = [];

    /// <summary>
    /// Every instance of a portal that runs several (each one's agents' URL): the agent keeps a link to each, so an
    /// order from any instance reaches it. Empty: the URL it enrolled with.
    /// </summary>
    public IReadOnlyList<string> Portals { get; init; } = [];

    public IReadOnlyDictionary<string, SourceConfig> Sources { get; init; } = new Dictionary<string, SourceConfig>();

    public IReadOnlyDictionary<string, DatasetPolicy> Datasets { get; init; } = new Dictionary<string, DatasetPolicy>();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <exception cref="SiteConfigException">The file cannot be read or says something impossible.</exception>
    public static SiteConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SiteConfigException($"cannot read the site configuration {path}: {e.Message}");
        }
        return Parse(text, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    public static SiteConfig Parse(string json, string baseDirectory)
    {
        SiteConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<SiteConfig>(json, Json);
        }
        catch (JsonException e)
        {
            throw new SiteConfigException($"the site configuration is not valid at {e.Path ?? "$"}: {e.Message.Split(" Path:")[0]}");
        }
        if (config is null)
        {
            throw new SiteConfigException("the site configuration is empty");
        }
        return config.Resolved(baseDirectory).Validated();
    }

    private SiteConfig Resolved(string baseDirectory)
    {
        string Full(string path) => string.IsNullOrEmpty(path) ? path : Path.GetFullPath(path, baseDirectory);
        return this with
        {
            StateDirectory = Full(StateDirectory),
            PseudonymSecretFile = Full(PseudonymSecretFile),
            FileRoots = FileRoots.Select(Full).ToArray(),
            Sources = Sources.ToDictionary(s => s.Key, s => s.Value with
            {
                ConnectionStringFile = s.Value.ConnectionStringFile is { } f ? Full(f) : null,
            }),
        };
    }

    private SiteConfig Validated()
    {
        if (string.IsNullOrWhiteSpace(StateDirectory))
        {
            throw new SiteConfigException("stateDirectory is required");
        }
        foreach (var (name, source) in Sources)
        {
            if (!string.Equals(source.Kind, "postgres", StringComparison.OrdinalIgnoreCase))
            {
                throw new SiteConfigException($"sources.{name}.kind must be \"postgres\", not \"{source.Kind}\"");
            }
            if (string.IsNullOrEmpty(source.ConnectionString) == string.IsNullOrEmpty(source.ConnectionStringFile))
            {
                throw new SiteConfigException($"sources.{name} needs exactly one of connectionString and connectionStringFile");
            }
        }
        foreach (var (name, dataset) in Datasets)
        {
            var fromSource = dataset.Source is not null;
            if (fromSource == (dataset.File is not null))
            {
                throw new SiteConfigException($"datasets.{name} needs either source (with relation) or file");
            }
            if (fromSource && !Sources.ContainsKey(dataset.Source!))
            {
                throw new SiteConfigException($"datasets.{name}.source names \"{dataset.Source}\", which sources does not define");
            }
            if (fromSource && string.IsNullOrWhiteSpace(dataset.Relation))
            {
                throw new SiteConfigException($"datasets.{name}.relation is required with a source");
            }
            if (!fromSource && FileRoots.Count == 0)
            {
                throw new SiteConfigException($"datasets.{name} reads a file, so fileRoots must name at least one folder");
            }
            if (!fromSource && dataset.FileKind is null)
            {
                throw new SiteConfigException($"datasets.{name}.kind must be csv or parquet (or the file must end in .csv or .parquet)");
            }
            if (dataset.MinK < 1)
            {
                throw new SiteConfigException($"datasets.{name}.minK must be at least 1");
            }
            if (dataset.MaxRowsPerDayPerGrant is < 0)
            {
                throw new SiteConfigException($"datasets.{name}.maxRowsPerDayPerGrant must not be negative");
            }
        }
        return this;
    }
}

public sealed record SourceConfig
{
    public string Kind { get; init; } = "postgres";

    public string? ConnectionString { get; init; }

    /// <summary>A file holding the connection string, so that the password need not be in site.json.</summary>
    public string? ConnectionStringFile { get; init; }
}

/// <summary>What the site lets out of one dataset, whatever an order says.</summary>
public sealed record DatasetPolicy
{
    /// <summary>A key of <see cref="SiteConfig.Sources"/>; with <see cref="Relation"/> ("schema.table" or "table").</summary>
    public string? Source { get; init; }

    public string? Relation { get; init; }

    /// <summary>A CSV or Parquet file under one of the file roots.</summary>
    public string? File { get; init; }

    /// <summary>csv or parquet; taken from the file's extension when absent.</summary>
    public string? Kind { get; init; }

    public int MinK { get; init; } = 1;

    public IReadOnlyList<string> NeverLeave { get; init; } = [];

    /// <summary>Purpose codes allowed (exact, or "DS:*" for every disease-specific one); null = any.</summary>
    public IReadOnlyList<string>? Purposes { get; init; }

    /// <summary>VO ids through which the dataset may be delivered; null = any.</summary>
    public IReadOnlyList<string>? Vos { get; init; }

    /// <summary>Rows one grant may receive per UTC day; null = no cap.</summary>
    public long? MaxRowsPerDayPerGrant { get; init; }

    [JsonIgnore]
    public string? FileKind => (Kind ?? Path.GetExtension(File ?? "").TrimStart('.')).ToLowerInvariant() switch
    {
        "csv" => "csv",
        "parquet" => "parquet",
        _ => null,
    };
}

#pragma warning disable CA1032 // Always made with the sentence the owner reads.
public sealed class SiteConfigException(string message) : Exception(message);
#pragma warning restore CA1032
