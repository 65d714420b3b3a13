namespace Portal.Policy.Duo;

/// <summary>
/// A dataset's consent as DUO codes: one primary term (with its diseases for DS) and modifiers.
/// Text form: whitespace-, comma- or semicolon-separated, e.g. <c>"DS:B20 NPU IRB"</c> or <c>"HMB;NCU"</c>.
/// </summary>
public sealed class DataUseConditions
{
    private readonly string[] _diseases;

    public DataUseConditions(DuoPrimary primary, IEnumerable<string>? diseases = null, DuoModifiers modifiers = DuoModifiers.None)
    {
        _diseases = diseases?.ToArray() ?? [];
        if (primary == DuoPrimary.DS && _diseases.Length == 0)
        {
            throw new ArgumentException("DS needs at least one disease code.", nameof(diseases));
        }
        if (primary != DuoPrimary.DS && _diseases.Length != 0)
        {
            throw new ArgumentException("Only DS carries disease codes.", nameof(diseases));
        }
        Primary = primary;
        Modifiers = modifiers;
    }

    public static DataUseConditions NoRestriction { get; } = new(DuoPrimary.NRES);

    public DuoPrimary Primary { get; }

    public IReadOnlyList<string> Diseases => _diseases;

    public DuoModifiers Modifiers { get; }

    public bool Has(DuoModifiers modifier) => (Modifiers & modifier) == modifier;

    /// <summary>Array access for the decision loop: no enumerator, no allocation.</summary>
    internal ReadOnlySpan<string> DiseaseSpan => _diseases;

    public static DataUseConditions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        DuoPrimary? primary = null;
        var diseases = new List<string>();
        var modifiers = DuoModifiers.None;
        foreach (var token in text.Split([' ', ',', ';', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (token.StartsWith("DS:", StringComparison.OrdinalIgnoreCase) && token.Length > 3)
            {
                SetPrimary(DuoPrimary.DS);
                diseases.Add(token[3..]);
            }
            else if (Enum.TryParse<DuoPrimary>(token, ignoreCase: true, out var p) && !int.TryParse(token, out _))
            {
                SetPrimary(p);
            }
            else if (Enum.TryParse<DuoModifiers>(token, ignoreCase: true, out var m) && m != DuoModifiers.None && !int.TryParse(token, out _))
            {
                modifiers |= m;
            }
            else
            {
                throw new FormatException($"Unknown DUO code '{token}'.");
            }
        }
        return new DataUseConditions(primary ?? throw new FormatException("No primary DUO term (NRES, GRU, HMB, DS:<disease>, POA)."), diseases, modifiers);

        void SetPrimary(DuoPrimary p)
        {
            if (primary is { } existing && existing != p)
            {
                throw new FormatException($"Two primary DUO terms: {existing} and {p}.");
            }
            primary = p;
        }
    }

    public override string ToString()
    {
        var parts = Primary == DuoPrimary.DS ? _diseases.Select(d => "DS:" + d).ToList() : [Primary.ToString()];
        parts.AddRange(Enum.GetValues<DuoModifiers>().Where(m => m != DuoModifiers.None && Has(m)).Select(m => m.ToString()));
        return string.Join(' ', parts);
    }
}
