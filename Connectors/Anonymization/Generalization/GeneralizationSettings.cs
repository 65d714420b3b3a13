using Portal.Connectors.Anonymization.Models;

namespace Portal.Connectors.Anonymization.Generalization;

/// <summary>What the search must achieve and what it optimizes.</summary>
public sealed record GeneralizationSettings
{
    public int K { get; init; } = 2;

    /// <summary>Share of records (0..1) that may be suppressed in failing classes.</summary>
    public double SuppressionLimit { get; init; }

    public UtilityMetricKind Metric { get; init; } = UtilityMetricKind.NonUniformEntropy;

    /// <summary>Distinct ℓ-diversity on the input's sensitive column.</summary>
    public int? DistinctL { get; init; }

    /// <summary>Entropy ℓ-diversity on the input's sensitive column.</summary>
    public double? EntropyL { get; init; }

    /// <summary>t-closeness on the input's sensitive column.</summary>
    public double? T { get; init; }

    /// <summary>t-closeness: ordered ground distance (numbers, ordered values) instead of equal distance (categories).</summary>
    public bool OrderedDistance { get; init; }

    /// <summary>Risk threshold for the share of records at risk in the result.</summary>
    public double RiskThreshold { get; init; } = Risk.ReidentificationRisk.DefaultThreshold;

    public IReadOnlyList<PrivacyModel> ModelsFor(GeneralizationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (SuppressionLimit is < 0 or > 1 || double.IsNaN(SuppressionLimit))
        {
            throw new GeneralizationException("generalization.suppression.out_of_range", "the suppression limit is a share between 0 and 1");
        }
        List<PrivacyModel> models = [new KAnonymity(K)];
        if ((DistinctL ?? EntropyL ?? T) is not null && input.SensitiveColumn is null)
        {
            throw new GeneralizationException("generalization.sensitive.missing", "ℓ-diversity and t-closeness need a sensitive column");
        }
        if (DistinctL is { } l)
        {
            models.Add(new DistinctLDiversity(l));
        }
        if (EntropyL is { } el)
        {
            models.Add(new EntropyLDiversity(el));
        }
        if (T is { } t)
        {
            models.Add(new TCloseness(t, input.SensitiveTotals, OrderedDistance ? TCloseness.OrderOf(input.SensitiveLabels) : null));
        }
        return models;
    }
}
