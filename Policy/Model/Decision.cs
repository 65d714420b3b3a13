namespace Portal.Policy.Model;

/// <summary>
/// The engine's answer. A deny carries every reason found (never just the first); a permit has no reasons.
/// Obligations are set only for a permitted <see cref="PolicyAction.ExportData"/>.
/// </summary>
public readonly record struct Decision(Effect Effect, ReasonSet Reasons, Obligations Obligations)
{
    public bool IsPermit => Effect == Effect.Permit;

    public static Decision Deny(ReasonSet reasons) => new(Effect.Deny, reasons, default);

    public static Decision Permit() => new(Effect.Permit, ReasonSet.Empty, default);

    public static Decision Permit(Obligations obligations) => new(Effect.Permit, ReasonSet.Empty, obligations);

    /// <summary>Codes and sentences for the explain view; allocates.</summary>
    public IReadOnlyList<(string Code, string Sentence)> Explain() =>
        [.. Reasons.ToList().Select(r => (ReasonCatalog.Code(r), ReasonCatalog.Sentence(r)))];
}
