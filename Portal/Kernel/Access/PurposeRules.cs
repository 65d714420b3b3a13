using Portal.Policy.Duo;

namespace Portal.Kernel.Access;

/// <summary>A purpose of use as written on a request or a grant: a known DUO code, a disease only where the code takes one.</summary>
public static class PurposeRules
{
    public const int DiseaseMax = 64;

    /// <summary>"DS:HIV", "HMB", … as the stored <see cref="Purpose"/>, or why not (naming <paramref name="field"/>).</summary>
    public static Outcome<Purpose> Parse(string? text, bool commercial, string field)
    {
        if (!PurposeCodes.TryParseDeclared(text, commercial, null, out var declared, out var error))
        {
            return Failure.Invalid("access.purpose.invalid", field, error!);
        }
        if (declared.Code == PurposeCode.DS && declared.Disease is null)
        {
            return Failure.Invalid("access.purpose.disease_missing", field, "A disease-specific purpose names its disease, e.g. DS:HIV.");
        }
        if (declared.Disease is { Length: > DiseaseMax })
        {
            return Failure.Invalid("access.purpose.disease_too_long", field, $"The disease is longer than {DiseaseMax} characters.");
        }
        return new Purpose { Code = declared.Code.ToString(), Disease = declared.Disease, Commercial = commercial };
    }
}
