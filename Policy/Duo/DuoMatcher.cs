using Portal.Policy.Model;

namespace Portal.Policy.Duo;

/// <summary>
/// Is a declared purpose compatible with a dataset's DUO conditions? The rules follow the Broad Institute's
/// DUOS matching (docs/policy.md has the table): a DS purpose fits GRU, HMB, or the same or a parent disease;
/// commercial use needs none of NCU, NPU, NPUNCU; methods research is stopped by NMDS outside the dataset's
/// disease; IRB needs an ethics approval reference.
/// </summary>
public static class DuoMatcher
{
    public static ReasonSet Match(DataUseConditions dataset, in DeclaredPurpose purpose, DiseaseHierarchy diseases)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(diseases);
        var diseaseMatches = dataset.Primary == DuoPrimary.DS && MatchesDisease(dataset, purpose.Disease, diseases);
        return Match(dataset.Primary, dataset.Modifiers, diseaseMatches, purpose);
    }

    /// <summary>
    /// The table itself, once the disease question is answered: <paramref name="diseaseMatches"/> is true when the
    /// dataset is DS and the declared disease is one of its diseases or a descendant. The engine answers it with
    /// interned disease ids; <see cref="Match(DataUseConditions, in DeclaredPurpose, DiseaseHierarchy)"/> with strings.
    /// </summary>
    internal static ReasonSet Match(DuoPrimary primary, DuoModifiers modifiers, bool diseaseMatches, in DeclaredPurpose purpose)
    {
        var reasons = ReasonSet.Empty;
        var code = purpose.Code;
        if (code == PurposeCode.None)
        {
            return reasons;
        }

        switch (primary)
        {
            case DuoPrimary.HMB when code is PurposeCode.GRU or PurposeCode.POA:
                reasons = reasons.With(ReasonCode.DuoHmbRequiresHealthResearch);
                break;
            case DuoPrimary.DS when code is PurposeCode.GRU or PurposeCode.HMB or PurposeCode.POA:
                reasons = reasons.With(ReasonCode.DuoDsRequiresDiseaseResearch);
                break;
            case DuoPrimary.DS when !diseaseMatches:
                reasons = reasons.With(ReasonCode.DuoDsDiseaseMismatch);
                break;
            case DuoPrimary.POA when code is PurposeCode.GRU or PurposeCode.HMB or PurposeCode.DS:
                reasons = reasons.With(ReasonCode.DuoPoaRequiresAncestryResearch);
                break;
            default:
                break;
        }

        if (purpose.Commercial)
        {
            if ((modifiers & DuoModifiers.NCU) != 0)
            {
                reasons = reasons.With(ReasonCode.DuoNcuForbidsCommercial);
            }
            if ((modifiers & DuoModifiers.NPU) != 0)
            {
                reasons = reasons.With(ReasonCode.DuoNpuForbidsForProfit);
            }
            if ((modifiers & DuoModifiers.NPUNCU) != 0)
            {
                reasons = reasons.With(ReasonCode.DuoNpuncuForbidsCommercial);
            }
        }
        if (code == PurposeCode.MDS && (modifiers & DuoModifiers.NMDS) != 0 && !diseaseMatches)
        {
            reasons = reasons.With(ReasonCode.DuoNmdsForbidsMethods);
        }
        if ((modifiers & DuoModifiers.IRB) != 0 && !purpose.HasEthicsApproval)
        {
            reasons = reasons.With(ReasonCode.DuoIrbRequiresEthicsApproval);
        }
        return reasons;
    }

    private static bool MatchesDisease(DataUseConditions dataset, string? disease, DiseaseHierarchy diseases)
    {
        if (disease is null)
        {
            return false;
        }
        foreach (var allowed in dataset.DiseaseSpan)
        {
            if (diseases.IsSameOrDescendant(disease, allowed))
            {
                return true;
            }
        }
        return false;
    }
}
