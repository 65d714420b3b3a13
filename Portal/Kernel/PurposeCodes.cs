using Portal.Policy.Duo;
using Portal.Policy.Model;

namespace Portal.Kernel;

/// <summary>Reads a declared purpose as people and scripts write it: "DS:HIV", "HMB", "MDS:B20".</summary>
public static class PurposeCodes
{
    public static PurposeCode Parse(string code) =>
        Enum.TryParse<PurposeCode>(code, ignoreCase: false, out var c) && c != PurposeCode.None && Enum.IsDefined(c)
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
