namespace Portal.Connectors.Anonymization.Transforms;

internal static class TransformFactory
{
    /// <summary>The transform of one delivered column, bound to this export's grant key; null for drop.</summary>
    public static ColumnTransform? Create(ProfileColumn column, byte[] grantKey)
    {
        var t = column.Transform;
        return t.Type switch
        {
            TransformTypes.Drop => null,
            TransformTypes.Keep => new KeepTransform(),
            TransformTypes.Redact => new RedactTransform(t.Replacement ?? "***"),
            TransformTypes.Mask => new MaskTransform(t.KeepFirst ?? 0, t.KeepLast ?? 0, t.MaskChar?[0] ?? '*'),
            TransformTypes.Pseudonym => new PseudonymTransform(grantKey, t.Domain ?? column.Name, t.Length ?? 32),
            TransformTypes.DateShift => new DateShiftTransform(grantKey, t.MaxDays ?? 1),
            TransformTypes.DateGeneralize => new DateGeneralizeTransform(t.To == "yearMonth"),
            TransformTypes.AgeBand => new AgeBandTransform((int)(t.Width ?? 5), t.TopCode ?? 90),
            TransformTypes.Postcode => new PostcodeTransform(t.Digits ?? 3, t.RestrictedPrefixes ?? []),
            TransformTypes.Bin => new BinTransform(t.Width ?? 1),
            TransformTypes.Noise => new NoiseTransform(grantKey, column.Name, t.Bound ?? 1),
            TransformTypes.Hierarchy => new HierarchyTransform(
                t.LoadedHierarchy ?? throw new InvalidOperationException("hierarchy not loaded: create profiles through AnonymizationProfile.Parse"),
                t.Level ?? 0,
                t.Build is { } build ? build.Describe() : Path.GetFileName(t.File ?? "")),
            _ => throw new InvalidOperationException($"unknown transform '{t.Type}'"),
        };
    }
}
