using System.Numerics;

namespace Portal.Policy.Model;

/// <summary>A set of <see cref="ReasonCode"/>s in one machine word, so that a decision never allocates.</summary>
public readonly record struct ReasonSet(ulong Bits)
{
    public static ReasonSet Empty => default;

    public bool IsEmpty => Bits == 0;

    public int Count => BitOperations.PopCount(Bits);

    public bool Contains(ReasonCode code) => (Bits & Bit(code)) != 0;

    public ReasonSet With(ReasonCode code) => new(Bits | Bit(code));

    public ReasonSet Union(ReasonSet other) => new(Bits | other.Bits);

    public static ReasonSet Of(params ReadOnlySpan<ReasonCode> codes)
    {
        ulong bits = 0;
        foreach (var code in codes)
        {
            bits |= Bit(code);
        }
        return new(bits);
    }

    /// <summary>For the explain view and tests; allocates, so keep it off the hot path.</summary>
    public IReadOnlyList<ReasonCode> ToList()
    {
        var list = new List<ReasonCode>(Count);
        for (var bits = Bits; bits != 0; bits &= bits - 1)
        {
            list.Add((ReasonCode)BitOperations.TrailingZeroCount(bits));
        }
        return list;
    }

    public override string ToString() => string.Join(", ", ToList().Select(ReasonCatalog.Code));

    private static ulong Bit(ReasonCode code) => 1UL << (int)code;
}
