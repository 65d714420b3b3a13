namespace Portal.Connectors.Anonymization.Models;

/// <summary>
/// A condition every delivered equivalence class must meet; a class that fails is suppressed. Decided from the class
/// alone: its size and its histogram of sensitive values (ordinals of the input's sensitive column).
/// </summary>
public abstract class PrivacyModel
{
    public abstract bool Holds(int size, ReadOnlySpan<int> sensitive);

    /// <summary>
    /// Whether merging classes can only turn failures into successes even when some classes are suppressed, so that a
    /// lattice node with a suppression limit that meets the model guarantees every coarser node does too. True for
    /// k-anonymity and distinct-ℓ (a merged class has at least the size and the values of its largest part); false for
    /// entropy-ℓ and t-closeness, whose merged class can fail when a failing class joins a passing one. Without
    /// suppression every model here is monotone: a union of passing classes passes (entropy is concave, the distances convex).
    /// </summary>
    public abstract bool MonotoneWithSuppression { get; }

    public abstract string Describe();
}

/// <summary>Every class has at least k records.</summary>
public sealed class KAnonymity(int k) : PrivacyModel
{
    public int K { get; } = k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), "k must be at least 1");

    public override bool Holds(int size, ReadOnlySpan<int> sensitive) => size >= K;

    public override bool MonotoneWithSuppression => true;

    public override string Describe() => $"{K}-anonymity";
}

/// <summary>Every class holds at least ℓ distinct sensitive values.</summary>
public sealed class DistinctLDiversity(int l) : PrivacyModel
{
    public int L { get; } = l >= 1 ? l : throw new ArgumentOutOfRangeException(nameof(l), "ℓ must be at least 1");

    public override bool Holds(int size, ReadOnlySpan<int> sensitive)
    {
        var distinct = 0;
        foreach (var count in sensitive)
        {
            if (count > 0 && ++distinct >= L)
            {
                return true;
            }
        }
        return false;
    }

    public override bool MonotoneWithSuppression => true;

    public override string Describe() => $"distinct-{L}-diversity";
}

/// <summary>The entropy of every class's sensitive values is at least log ℓ (Machanavajjhala et al.'s entropy ℓ-diversity).</summary>
public sealed class EntropyLDiversity(double l) : PrivacyModel
{
    // A hair of tolerance so that a class of exactly ℓ equally frequent values, whose entropy is log ℓ up to rounding, passes.
    private readonly double _threshold = Math.Log(l) - 1e-12;

    public double L { get; } = l >= 1 ? l : throw new ArgumentOutOfRangeException(nameof(l), "ℓ must be at least 1");

    public override bool Holds(int size, ReadOnlySpan<int> sensitive) => Entropy(size, sensitive) >= _threshold;

    /// <summary>Natural-log entropy of the class's sensitive distribution.</summary>
    public static double Entropy(int size, ReadOnlySpan<int> sensitive)
    {
        if (size == 0)
        {
            return 0;
        }
        var entropy = 0.0;
        foreach (var count in sensitive)
        {
            if (count > 0)
            {
                var p = (double)count / size;
                entropy -= p * Math.Log(p);
            }
        }
        return entropy;
    }

    public override bool MonotoneWithSuppression => false;

    public override string Describe() => $"entropy-{L}-diversity";
}
