using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Connectors.Anonymization;

/// <summary>
/// Per-dataset anonymization profile (see docs/connectors.md). Columns not listed are never delivered.
/// Create it with <see cref="Parse"/> or <see cref="LoadAsync"/>: both validate and load hierarchies.
/// </summary>
public sealed record AnonymizationProfile
{
    public const int CurrentFormatVersion = 1;

    /// <summary>Version of the JSON format itself.</summary>
    public int FormatVersion { get; init; }

    public string Name { get; init; } = "";

    /// <summary>The owner's revision of this profile, recorded in every manifest.</summary>
    public int Version { get; init; }

    /// <summary>Minimum equivalence-class size; an export uses the larger of this and the grant's k.</summary>
    public int K { get; init; } = 1;

    /// <summary>
    /// The owner is told when an export delivers less than this share (0..1] of the rows that consented to its
    /// purpose: most of them suppressed means her generalization is too fine for k. Null: never.
    /// </summary>
    public double? WarnBelowDeliveredShare { get; init; }

    /// <summary>Column that identifies the data subject (used by dateShift and noise).</summary>
    public string? SubjectColumn { get; init; }

    public IReadOnlyList<ConsentRule> Consent { get; init; } = [];

    public IReadOnlyList<ProfileColumn> Columns { get; init; } = [];

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Parses and validates; hierarchy files are resolved against <paramref name="baseDirectory"/> and may not leave it.</summary>
    public static AnonymizationProfile Parse(string json, string? baseDirectory = null)
    {
        AnonymizationProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<AnonymizationProfile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new ProfileValidationException([$"profile is not valid JSON at {e.Path ?? "$"} (line {e.LineNumber + 1}): {e.Message.Split(" Path:")[0]}"]);
        }
        if (profile is null)
        {
            throw new ProfileValidationException(["profile is empty"]);
        }
        ProfileValidator.ValidateAndLoad(profile, baseDirectory);
        return profile;
    }

    public static async Task<AnonymizationProfile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return Parse(json, Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public ProfileColumn? Find(string column) => Columns.FirstOrDefault(c => c.Name == column);
}
