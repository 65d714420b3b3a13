namespace Portal.Data.Entities;

/// <summary>A research purpose in GA4GH DUO terms, as a researcher declares it or as a grant allows it.</summary>
public sealed class Purpose
{
    /// <summary>A DUO primary category (GRU, HMB, DS, POA) or a use code such as MDS.</summary>
    public required string Code { get; set; }

    /// <summary>For disease-specific research: the disease (e.g. "HIV", an ICD-10 or MONDO code).</summary>
    public string? Disease { get; set; }

    /// <summary>Whether the use is commercial (matters for NCU / NPU / NPUNCU).</summary>
    public bool Commercial { get; set; }

    public override string ToString() => Disease is null ? Code : $"{Code}:{Disease}";
}
