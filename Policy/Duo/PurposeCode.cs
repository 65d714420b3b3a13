namespace Portal.Policy.Duo;

/// <summary>The DUO term a researcher's declared purpose is classified under.</summary>
public enum PurposeCode : byte
{
    /// <summary>No purpose stated: never enough for a request or an export.</summary>
    None,

    /// <summary>General research use.</summary>
    GRU,

    /// <summary>Health, medical or biomedical research.</summary>
    HMB,

    /// <summary>Disease-specific research; the purpose names the disease.</summary>
    DS,

    /// <summary>Population, origins or ancestry research.</summary>
    POA,

    /// <summary>Methods development (analytic, software or technology); may name a disease to stay within a DS dataset.</summary>
    MDS,
}
