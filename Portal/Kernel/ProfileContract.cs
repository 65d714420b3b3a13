using Portal.Connectors.Anonymization;
using EntityClass = Portal.Data.Entities.ColumnClass;

namespace Portal.Kernel;

/// <summary>
/// The owner's column classification and her anonymization profile checked as one contract
/// (<see cref="ClassificationContract"/>): when either is saved, at activation and before every export or preview.
/// </summary>
public static class ProfileContract
{
    public static IReadOnlyDictionary<string, OwnerClass> Classification(IEnumerable<DatasetColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var map = new Dictionary<string, OwnerClass>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            map[c.Name] = c.Classification switch
            {
                EntityClass.DirectIdentifier => OwnerClass.DirectIdentifier,
                EntityClass.QuasiIdentifier => OwnerClass.QuasiIdentifier,
                EntityClass.Sensitive => OwnerClass.Sensitive,
                EntityClass.Other => OwnerClass.Other,
                EntityClass.Consent => OwnerClass.Consent,
                _ => OwnerClass.Unclassified,
            };
        }
        return map;
    }

    /// <summary>Null when the classification and the profile agree; otherwise one refusal listing every contradiction.</summary>
    /// <param name="complete">True at activation, export and preview: an unclassified column in the profile is refused too.</param>
    public static Failure? Check(IEnumerable<DatasetColumn> columns, AnonymizationProfile profile, FailureKind kind, string code, bool complete = true)
    {
        var violations = ClassificationContract.Check(Classification(columns), profile, complete);
        if (violations.Count == 0)
        {
            return null;
        }
        return new Failure(kind, code,
            "The anonymization profile contradicts the column classification: " + string.Join(" ", violations.Select(v => $"{v.Message} ({v.Code})")),
            "anonymizationProfile")
        {
            Details = [.. violations.Select(v => new FailureDetail($"columns.{v.Column}", v.Code, v.Message))],
        };
    }
}
