namespace Portal.Connectors.Anonymization;

public enum ColumnClass
{
    /// <summary>Identifies a person on its own (MRN, name, patient id): must be dropped, redacted or pseudonymized.</summary>
    DirectIdentifier,

    /// <summary>Identifies in combination (birth year, sex, postcode): generalized and covered by k-anonymity.</summary>
    QuasiIdentifier,

    /// <summary>The research payload (diagnosis, labs).</summary>
    Sensitive,

    Other,
}
