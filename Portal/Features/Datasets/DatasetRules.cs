using System.Text.Json;
using Portal.Connectors.Anonymization;

namespace Portal.Features.Datasets;

/// <summary>The limits and checks of what an owner writes about a dataset: its names, DUO conditions and profile.</summary>
public static class DatasetRules
{
    public const int NameMax = 200;
    public const int DescriptionMax = 8000;
    public const int TermsMax = 20000;
    public const int DataUseMax = 1000;
    public const int ProfileMax = 200_000;
    public const int MaxK = 1000;
    public const int IdentifierMax = 63;

    /// <summary>The dataset's DUO conditions as text, e.g. "DS:HIV NCU IRB".</summary>
    public static string DuoText(DataUseConditions c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var primary = c.Primary == "DS" ? string.Join(' ', c.Diseases.Select(d => "DS:" + d)) : c.Primary;
        return string.Join(' ', new[] { primary }.Concat(c.Modifiers).Where(p => p.Length > 0));
    }

    /// <summary>Parses DUO text with the policy library, so that whatever the owner saves the engine understands.</summary>
    public static Outcome<DataUseConditions> ParseDuo(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DatasetRefusals.TooLong(text, DataUseMax, "dataUse") is { } tooLong)
        {
            return tooLong;
        }
        try
        {
            var parsed = Policy.Duo.DataUseConditions.Parse(text);
            return new DataUseConditions
            {
                Primary = parsed.Primary.ToString(),
                Diseases = [.. parsed.Diseases],
                Modifiers = [.. Enum.GetValues<Policy.Duo.DuoModifiers>()
                    .Where(m => m != Policy.Duo.DuoModifiers.None && parsed.Has(m) && System.Numerics.BitOperations.PopCount((uint)m) == 1)
                    .Select(m => m.ToString())],
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return Failure.Invalid("dataset.data_use.invalid", "dataUse",
                $"dataUse: {e.Message} Use GA4GH DUO codes such as \"GRU\", \"HMB NCU\" or \"DS:HIV IRB\".");
        }
    }

    /// <summary>
    /// Validates a profile with the connector library and against the dataset's columns and their classes (with
    /// <paramref name="classes"/> applied when the owner changes both at once): the two are one contract.
    /// </summary>
    public static Failure? CheckProfile(string json, Dataset d, IReadOnlyDictionary<string, Data.Entities.ColumnClass>? classes = null, bool complete = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(d);
        if (DatasetRefusals.TooLong(json, ProfileMax, "anonymizationProfile") is { } tooLong)
        {
            return tooLong;
        }
        AnonymizationProfile profile;
        try
        {
            profile = AnonymizationProfile.Parse(json);
        }
        catch (ProfileValidationException e)
        {
            return Failure.Invalid("dataset.profile.invalid", "anonymizationProfile",
                "The anonymization profile is not valid: " + string.Join("; ", e.Errors.Count > 0 ? e.Errors : [e.Message]));
        }
        if (d.Columns.Count > 0)
        {
            var unknown = profile.Columns.Select(c => c.Name).Concat(profile.Consent.Select(c => c.Column))
                .Where(n => d.Columns.All(c => c.Name != n)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                return Failure.Invalid("dataset.profile.unknown_columns", "anonymizationProfile",
                    $"The anonymization profile names columns the dataset does not have: {string.Join(", ", unknown.Select(u => $"'{u}'"))}.");
            }
            return ProfileContract.Check(Columns.ColumnClasses.With(d, classes), profile, FailureKind.Invalid, "dataset.profile.contradicts_classification", complete);
        }
        return null;
    }

    /// <summary>Whether two profiles say the same, whatever their spacing: only a real change makes a new version.</summary>
    public static bool SameJson(string a, string? b)
    {
        if (b is null)
        {
            return false;
        }
        try
        {
            using var x = JsonDocument.Parse(a);
            using var y = JsonDocument.Parse(b);
            return JsonElement.DeepEquals(x.RootElement, y.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
