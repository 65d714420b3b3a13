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

    /// <summary>
    /// Records a patient's consent: read only by the profile's consent rules (listed so that a text source knows it is
    /// boolean), always dropped from the output.
    /// </summary>
    Consent,
}
