namespace Portal.Connectors.Anonymization;

/// <summary>How the owner classified a column of her source, as the portal stores it beside the profile.</summary>
public enum OwnerClass
{
    /// <summary>Not yet reviewed: such a column never leaves the source.</summary>
    Unclassified,
    DirectIdentifier,
    QuasiIdentifier,
    Sensitive,
    Other,

    /// <summary>A column recording patients' consent: it filters rows and never leaves as data.</summary>
    Consent,
}

/// <summary>One contradiction between the owner's classification and the profile, named for programs and people.</summary>
public sealed record ContractViolation(string Column, string Code, string Message);

/// <summary>
/// The owner's per-column classification and the anonymization profile are one contract: what she classified is what
/// the export enforces. The profile may say less than the classification (a column it does not list never leaves), but
/// never something else. Checked when either is saved, when the dataset is activated and before every export, so a
/// contradiction can neither be stored nor slip through from data written before the check existed.
/// </summary>
public static class ClassificationContract
{
    public const string UnknownColumn = "profile.column.unknown";
    public const string Unclassified = "profile.column.unclassified";
    public const string ClassMismatch = "profile.column.class_mismatch";
    public const string DirectIdentifierKept = "profile.direct_identifier.kept";
    public const string QuasiIdentifierNotGeneralizing = "profile.quasi_identifier.not_generalizing";
    public const string ConsentExported = "profile.consent_column.exported";
    public const string ConsentUnused = "profile.consent_column.unused";
    public const string ConsentRuleNotConsent = "profile.consent_rule.not_consent_column";

    /// <summary>Every contradiction, in column order (so an owner fixes them in one round); empty when they agree.</summary>
    /// <param name="complete">
    /// False while the owner is still setting the dataset up: a column not classified yet is undecided, not a
    /// contradiction. True at activation and before every export, where nothing may leave unclassified.
    /// </param>
    public static IReadOnlyList<ContractViolation> Check(IReadOnlyDictionary<string, OwnerClass> classification, AnonymizationProfile profile, bool complete = true)
    {
        ArgumentNullException.ThrowIfNull(classification);
        ArgumentNullException.ThrowIfNull(profile);
        var violations = new List<ContractViolation>();
        foreach (var column in profile.Columns)
        {
            CheckColumn(classification, column, complete, violations);
        }
        var ruled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in profile.Consent)
        {
            ruled.Add(rule.Column);
            if (!classification.TryGetValue(rule.Column, out var owner))
            {
                violations.Add(new(rule.Column, UnknownColumn, $"The consent rule names '{rule.Column}', which the dataset does not have."));
            }
            else if (owner != OwnerClass.Consent && (complete || owner != OwnerClass.Unclassified))
            {
                violations.Add(new(rule.Column, ConsentRuleNotConsent,
                    $"'{rule.Column}' filters rows as consent but is classified {owner}; classify it Consent or remove the rule."));
            }
        }
        foreach (var (name, owner) in classification)
        {
            if (owner == OwnerClass.Consent && !ruled.Contains(name))
            {
                violations.Add(new(name, ConsentUnused,
                    $"'{name}' is classified Consent but no consent rule uses it, so rows without consent would leave; add a rule for it."));
            }
        }
        return violations;
    }

    private static void CheckColumn(IReadOnlyDictionary<string, OwnerClass> classification, ProfileColumn column, bool complete, List<ContractViolation> violations)
    {
        var name = column.Name;
        var type = column.Transform.Type;
        if (!classification.TryGetValue(name, out var owner))
        {
            violations.Add(new(name, UnknownColumn, $"The profile names '{name}', which the dataset does not have."));
            return;
        }
        // A dropped column leaves in no form, whatever the classes say; a consent column is always dropped.
        if (type == TransformTypes.Drop && owner != OwnerClass.Consent && column.Class != ColumnClass.Consent)
        {
            return;
        }
        if (owner == OwnerClass.Unclassified)
        {
            if (!complete)
            {
                return;
            }
            violations.Add(new(name, Unclassified, $"'{name}' is not classified yet; classify it before the profile lets it out."));
            return;
        }
        if (owner == OwnerClass.Consent && type != TransformTypes.Drop)
        {
            violations.Add(new(name, ConsentExported,
                $"'{name}' is classified Consent: it filters rows through a consent rule and is dropped from the output, not '{type}'."));
            return;
        }
        var expected = owner switch
        {
            OwnerClass.DirectIdentifier => ColumnClass.DirectIdentifier,
            OwnerClass.QuasiIdentifier => ColumnClass.QuasiIdentifier,
            OwnerClass.Sensitive => ColumnClass.Sensitive,
            OwnerClass.Consent => ColumnClass.Consent,
            _ => ColumnClass.Other,
        };
        if (column.Class != expected)
        {
            violations.Add(new(name, ClassMismatch,
                $"'{name}' is classified {owner} but the profile treats it as {column.Class}; both must say the same."));
            return;
        }
        if (expected == ColumnClass.DirectIdentifier && !TransformTypes.AllowedForDirectIdentifiers.Contains(type))
        {
            violations.Add(new(name, DirectIdentifierKept,
                $"'{name}' is a direct identifier: it can only be dropped, redacted, masked or pseudonymized, not '{type}'."));
        }
        if (expected == ColumnClass.QuasiIdentifier && !TransformTypes.AllowedForQuasiIdentifiers.Contains(type))
        {
            violations.Add(new(name, QuasiIdentifierNotGeneralizing,
                $"'{name}' is a quasi-identifier: it takes part in the class count, so '{type}' (not a deterministic generalization) cannot be used."));
        }
    }
}
