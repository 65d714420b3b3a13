using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Kernel.Access;

/// <summary>Reads a declared purpose as people and scripts write it: "DS:HIV", "HMB", "MDS:B20".</summary>
public static class PurposeCodes
{
    /// <summary>
    /// The DUO codes by name. A table, not Enum.TryParse: that accepts numbers ("3" is DS), comma lists ("GRU,HMB" is
    /// their bitwise or) and signs, so "3:HIV" used to be stored and audited as DS:HIV.
    /// </summary>
    private static readonly Dictionary<string, PurposeCode> Names = new(StringComparer.Ordinal)
    {
        ["GRU"] = PurposeCode.GRU,
        ["HMB"] = PurposeCode.HMB,
        ["DS"] = PurposeCode.DS,
        ["POA"] = PurposeCode.POA,
        ["MDS"] = PurposeCode.MDS,
    };

    public static PurposeCode Parse(string code) =>
        code is not null && Names.TryGetValue(code, out var c)
            ? c
            : throw new FormatException($"'{code}' is not a purpose code; use one of GRU, HMB, DS, POA, MDS.");

    public static bool TryParseDeclared(string? text, bool commercial, string? ethics, out DeclaredPurpose purpose, out string? error)
    {
        purpose = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "State the purpose of use as a DUO code, e.g. DS:HIV, HMB or GRU.";
            return false;
        }
        if (text.Length > 80)
        {
            error = "The purpose is longer than 80 characters.";
            return false;
        }
        var parts = text.Split(':', 2);
        try
        {
            var code = Parse(parts[0].Trim().ToUpperInvariant());
            var disease = parts.Length == 2 && parts[1].Trim().Length > 0 ? parts[1].Trim() : null;
            if (disease is not null && (disease.Contains(',', StringComparison.Ordinal) || TextRules.UnsafeInName(disease) is not null))
            {
                error = $"'{text}' is not one purpose: name one disease, without commas or control characters.";
                return false;
            }
            if (disease is not null && code is not (PurposeCode.DS or PurposeCode.MDS))
            {
                error = $"Only DS and MDS purposes name a disease; '{text}' does.";
                return false;
            }
            purpose = new DeclaredPurpose(code, disease, commercial, string.IsNullOrWhiteSpace(ethics) ? null : ethics.Trim());
            return true;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }
}
