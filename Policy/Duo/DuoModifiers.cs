namespace Portal.Policy.Duo;

/// <summary>DUO data-use modifiers. Some deny (see docs/policy.md); the others travel as terms in the obligations.</summary>
[Flags]
public enum DuoModifiers : ushort
{
    None = 0,

    /// <summary>No commercial use.</summary>
    NCU = 1 << 0,

    /// <summary>Not-for-profit use only.</summary>
    NPU = 1 << 1,

    /// <summary>Not-for-profit organisations, non-commercial use only.</summary>
    NPUNCU = 1 << 2,

    /// <summary>Ethics approval required.</summary>
    IRB = 1 << 3,

    /// <summary>Geographical restriction.</summary>
    GS = 1 << 4,

    /// <summary>Publication required.</summary>
    PUB = 1 << 5,

    /// <summary>Collaboration with the primary study investigators required.</summary>
    COL = 1 << 6,

    /// <summary>Time limit on use.</summary>
    TS = 1 << 7,

    /// <summary>User-specific restriction.</summary>
    US = 1 << 8,

    /// <summary>Project-specific restriction.</summary>
    PS = 1 << 9,

    /// <summary>Return derived or enriched data to the resource.</summary>
    RTN = 1 << 10,

    /// <summary>No general methods research.</summary>
    NMDS = 1 << 11,
}
