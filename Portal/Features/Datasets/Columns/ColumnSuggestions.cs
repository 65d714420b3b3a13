using System.Text.RegularExpressions;

namespace Portal.Features.Datasets.Columns;

/// <summary>
/// Suggests a class for each column from its name and a few sample values. A suggestion is only a hint to the owner:
/// it errs towards the stricter class, and nothing is applied until the owner (or a steward) says so.
/// </summary>
public static class ColumnSuggestions
{
    private static readonly (Regex Name, ColumnClass Class, string Why)[] NameRules =
    [
        (NameRegex(@"(^|_)(ssn|bsn|nhs_?(no|number)|national_?id|passport|social_security)(_|$)"), ColumnClass.DirectIdentifier, "the name suggests a national identifier"),
        (NameRegex(@"(^|_)(mrn|patient_?id|person_?id|subject_?id|medical_record|record_?number|client_?id)(_|$)"), ColumnClass.DirectIdentifier, "the name suggests a record or person identifier"),
        (NameRegex(@"(^|_)(first_?name|last_?name|given_?name|family_?name|surname|full_?name|name)(_|$)"), ColumnClass.DirectIdentifier, "the name suggests a person's name"),
        (NameRegex(@"(^|_)(e_?mail|email_?address)(_|$)"), ColumnClass.DirectIdentifier, "the name suggests an e-mail address"),
        (NameRegex(@"(^|_)(phone|telephone|mobile|fax)(_|$)"), ColumnClass.DirectIdentifier, "the name suggests a phone number"),
        (NameRegex(@"(^|_)(address|street|house_?number)(_|$)"), ColumnClass.DirectIdentifier, "the name suggests a street address"),
        (NameRegex(@"(^|_)(consent|research_?consent|consented|opt_?in)(_|$)"), ColumnClass.Consent, "the name suggests a consent flag"),
        (NameRegex(@"(^|_)(birth_?date|date_?of_?birth|dob|birth_?year|age)(_|$)"), ColumnClass.QuasiIdentifier, "the name suggests a date of birth or age"),
        (NameRegex(@"(^|_)(zip|zip_?code|postcode|postal_?code|city|town|municipality|region)(_|$)"), ColumnClass.QuasiIdentifier, "the name suggests a place"),
        (NameRegex(@"(^|_)(sex|gender|ethnicity|race|nationality|occupation|marital_?status)(_|$)"), ColumnClass.QuasiIdentifier, "the name suggests a demographic attribute"),
        (NameRegex(@"(^|_)(admission|discharge|visit|death)(_?date)?(_|$)"), ColumnClass.QuasiIdentifier, "the name suggests an event date"),
        (NameRegex(@"(^|_)(diagnosis|icd|condition|disease|medication|drug|lab|result|cd4|viral_?load|hiv)(_|$)"), ColumnClass.Sensitive, "the name suggests health data"),
    ];

    /// <summary>Ambiguous rules (digit strings: a 5-digit postcode or a lab value?) only speak when the name said nothing.</summary>
    private static readonly (Regex Value, ColumnClass Class, string Why, bool Ambiguous)[] ValueRules =
    [
        (ValueRegex(@"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"), ColumnClass.DirectIdentifier, "values look like e-mail addresses", false),
        (ValueRegex(@"^(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]$"), ColumnClass.QuasiIdentifier, "values look like dates (a date of birth or of an event identifies with other data)", false),
        (ValueRegex(@"^[0-9]{3}-[0-9]{2}-[0-9]{4}$|^[0-9]{9,12}$"), ColumnClass.DirectIdentifier, "values look like national identification numbers", true),
        (ValueRegex(@"^\+?[0-9][0-9 ()\-]{7,}[0-9]$"), ColumnClass.DirectIdentifier, "values look like phone numbers", true),
        (ValueRegex(@"^[0-9]{4} ?[A-Z]{2}$|^[0-9]{5}(-[0-9]{4})?$|^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"), ColumnClass.QuasiIdentifier, "values look like postcodes", true),
    ];

    /// <param name="values">Sample values of this column (nulls allowed), at most a hundred.</param>
    public static ColumnSuggestion Suggest(DatasetColumn column, IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(values);
        var reasons = new List<string>();
        ColumnClass? suggested = null;
        var name = column.Name.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');
        foreach (var (pattern, cls, why) in NameRules)
        {
            if (pattern.IsMatch(name))
            {
                suggested = Stricter(suggested, cls);
                reasons.Add($"'{column.Name}': {why}");
                break;
            }
        }
        var present = values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!.Trim()).ToList();
        if (present.Count > 0)
        {
            var named = suggested is not null;
            foreach (var (pattern, cls, why, ambiguous) in ValueRules)
            {
                if (ambiguous && named)
                {
                    continue;
                }
                var matching = present.Count(pattern.IsMatch);
                // Most of the sample, not one odd value: a free-text field with one date in it is not a date column.
                if (matching * 10 >= present.Count * 8)
                {
                    suggested = Stricter(suggested, cls);
                    reasons.Add($"{matching} of {present.Count} sample values: {why}");
                    break;
                }
            }
            var booleans = present.All(v => v is "true" or "false" or "t" or "f" or "0" or "1" or "yes" or "no");
            if (suggested == ColumnClass.Consent && !booleans)
            {
                reasons.Add("but the values are not yes/no: check that this is a consent flag");
            }
        }
        return new ColumnSuggestion(column.Name, column.DataType, column.Classification.ToString(), suggested?.ToString(), reasons);
    }

    /// <summary>Direct beats quasi beats the rest: two pieces of evidence never weaken a suggestion.</summary>
    private static ColumnClass Stricter(ColumnClass? current, ColumnClass next) => current switch
    {
        null => next,
        ColumnClass.DirectIdentifier => ColumnClass.DirectIdentifier,
        ColumnClass.QuasiIdentifier when next == ColumnClass.DirectIdentifier => next,
        ColumnClass.QuasiIdentifier => ColumnClass.QuasiIdentifier,
        ColumnClass.Consent => ColumnClass.Consent,
        _ when next is ColumnClass.DirectIdentifier or ColumnClass.QuasiIdentifier => next,
        _ => current.Value,
    };

    private static Regex NameRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, TimeSpan.FromMilliseconds(100));

    private static Regex ValueRegex(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
}
