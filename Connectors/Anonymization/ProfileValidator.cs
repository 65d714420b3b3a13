namespace Portal.Connectors.Anonymization;

/// <summary>
/// Small validation steps, each adding errors that name the field or column at fault; all errors are
/// reported together so that an owner fixes a profile in one round.
/// </summary>
internal static class ProfileValidator
{
    public static void ValidateAndLoad(AnonymizationProfile profile, string? baseDirectory)
    {
        var errors = new List<string>();
        ValidateHeader(profile, errors);
        ValidateColumnNames(profile, errors);
        for (var i = 0; i < profile.Columns.Count; i++)
        {
            var column = profile.Columns[i];
            var where = $"columns[{i}] '{column.Name}'";
            ValidateClassAllowsTransform(column, where, errors);
            ValidateTransformParameters(column.Transform, where, errors);
            LoadHierarchy(column.Transform, where, baseDirectory, errors);
        }
        ValidateSubjectColumn(profile, errors);
        ValidateConsent(profile, errors);
        if (errors.Count > 0)
        {
            throw new ProfileValidationException(errors);
        }
    }

    private static void ValidateHeader(AnonymizationProfile profile, List<string> errors)
    {
        if (profile.FormatVersion != AnonymizationProfile.CurrentFormatVersion)
        {
            errors.Add($"formatVersion: must be {AnonymizationProfile.CurrentFormatVersion} (found {profile.FormatVersion})");
        }
        if (string.IsNullOrWhiteSpace(profile.Name))
        {
            errors.Add("name: required");
        }
        if (profile.Version < 1)
        {
            errors.Add("version: must be 1 or more");
        }
        if (profile.K is < 1 or > 100_000)
        {
            errors.Add($"k: must be between 1 and 100000 (found {profile.K})");
        }
        if (profile.WarnBelowDeliveredShare is { } share && !(share > 0 && share <= 1))
        {
            errors.Add($"warnBelowDeliveredShare: must be above 0 and at most 1 (found {share})");
        }
        if (profile.Columns.Count == 0)
        {
            errors.Add("columns: at least one column is required");
        }
    }

    private static void ValidateColumnNames(AnonymizationProfile profile, List<string> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < profile.Columns.Count; i++)
        {
            var name = profile.Columns[i].Name;
            if (string.IsNullOrEmpty(name))
            {
                errors.Add($"columns[{i}]: name is required");
            }
            else if (name.Length > 63 || name.Any(char.IsControl))
            {
                errors.Add($"columns[{i}]: name must be at most 63 characters without control characters");
            }
            else if (!seen.Add(name))
            {
                errors.Add($"columns[{i}] '{name}': listed twice");
            }
        }
    }

    private static void ValidateClassAllowsTransform(ProfileColumn column, string where, List<string> errors)
    {
        var type = column.Transform.Type;
        if (!TransformTypes.All.Contains(type))
        {
            errors.Add($"{where}: transform.type '{type}' is unknown (expected one of {string.Join(", ", TransformTypes.All)})");
            return;
        }
        if (column.Class == ColumnClass.DirectIdentifier && !TransformTypes.AllowedForDirectIdentifiers.Contains(type))
        {
            errors.Add($"{where}: a directIdentifier must be dropped, redacted, masked or pseudonymized, not '{type}'");
        }
        if (column.Class == ColumnClass.Consent && type != TransformTypes.Drop)
        {
            errors.Add($"{where}: a consent column is read by the consent rules and dropped, not '{type}'");
        }
        if (column.Class == ColumnClass.QuasiIdentifier && !TransformTypes.AllowedForQuasiIdentifiers.Contains(type))
        {
            errors.Add($"{where}: a quasiIdentifier needs a deterministic generalizing transform, not '{type}'");
        }
    }

    private static void ValidateTransformParameters(TransformSpec t, string where, List<string> errors)
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add($"{where}: transform.{message}");
            }
        }

        switch (t.Type)
        {
            case TransformTypes.Mask:
                Require(t.KeepFirst is null or >= 0 and <= 64, "keepFirst must be between 0 and 64");
                Require(t.KeepLast is null or >= 0 and <= 64, "keepLast must be between 0 and 64");
                Require(t.MaskChar is null || t.MaskChar.Length == 1, "maskChar must be one character");
                break;
            case TransformTypes.Pseudonym:
                Require(t.Length is null or >= 16 and <= 64, "length must be between 16 and 64 hex characters");
                Require(t.Domain is null || t.Domain.Length is > 0 and <= 100, "domain must be 1 to 100 characters");
                break;
            case TransformTypes.DateShift:
                Require(t.MaxDays is >= 1 and <= 3650, "maxDays is required, between 1 and 3650");
                break;
            case TransformTypes.DateGeneralize:
                Require(t.To is "year" or "yearMonth", "to must be 'year' or 'yearMonth'");
                break;
            case TransformTypes.AgeBand:
                Require(t.Width is null or >= 1 and <= 100 && (t.Width ?? 5) == Math.Floor(t.Width ?? 5), "width must be a whole number between 1 and 100");
                Require(t.TopCode is null or >= 1 and <= 150, "topCode must be between 1 and 150");
                break;
            case TransformTypes.Postcode:
                Require(t.Digits is null or >= 1 and <= 10, "digits must be between 1 and 10");
                var digits = t.Digits ?? 3;
                Require(t.RestrictedPrefixes is null || t.RestrictedPrefixes.All(p => p.Length == digits), $"restrictedPrefixes must each have exactly {digits} characters");
                break;
            case TransformTypes.Bin:
                Require(t.Width is > 0 && double.IsFinite(t.Width.Value), "width is required and must be positive");
                break;
            case TransformTypes.Noise:
                Require(t.Bound is > 0 && double.IsFinite(t.Bound.Value), "bound is required and must be positive");
                break;
            case TransformTypes.Hierarchy:
                Require(string.IsNullOrWhiteSpace(t.File) != (t.Build is null), "file or build is required, not both");
                foreach (var problem in t.Build?.Problems() ?? [])
                {
                    errors.Add($"{where}: transform.build.{problem}");
                }
                Require(t.Level is >= 0, "level is required and must be 0 or more");
                Require(t.Separator is null || t.Separator.Length == 1, "separator must be one character");
                break;
            default:
                break;
        }
    }

    private static void LoadHierarchy(TransformSpec t, string where, string? baseDirectory, List<string> errors)
    {
        if (t.Type != TransformTypes.Hierarchy || string.IsNullOrWhiteSpace(t.File) == (t.Build is null) || t.Level is not >= 0)
        {
            return;
        }
        if (t.Build is { } build)
        {
            LoadBuiltHierarchy(t, build, where, errors);
            return;
        }
        if (baseDirectory is null)
        {
            errors.Add($"{where}: transform.file needs a profile loaded from a folder (hierarchy files are resolved next to the profile)");
            return;
        }
        try
        {
            var path = Sources.Files.FileRoots.Confine(baseDirectory, t.File!);
            var hierarchy = GeneralizationHierarchy.Load(path, t.Separator?[0] ?? ';');
            if (t.Level >= hierarchy.Levels)
            {
                errors.Add($"{where}: transform.level {t.Level} is beyond the hierarchy's {hierarchy.Levels} levels (0..{hierarchy.Levels - 1})");
                return;
            }
            t.LoadedHierarchy = hierarchy;
        }
        catch (ConnectorException e)
        {
            errors.Add($"{where}: transform.file: {e.Message} ({e.Code})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{where}: transform.file: {e.Message}");
        }
    }

    private static void LoadBuiltHierarchy(TransformSpec t, Hierarchies.HierarchyBuild build, string where, List<string> errors)
    {
        if (build.Problems().Count > 0)
        {
            return;
        }
        try
        {
            var hierarchy = build.Create();
            if (t.Level >= hierarchy.Levels)
            {
                errors.Add($"{where}: transform.level {t.Level} is beyond the built hierarchy's {hierarchy.Levels} levels (0..{hierarchy.Levels - 1})");
                return;
            }
            t.LoadedHierarchy = hierarchy;
        }
        catch (ConnectorException e)
        {
            errors.Add($"{where}: transform.build: {e.Message} ({e.Code})");
        }
    }

    private static void ValidateSubjectColumn(AnonymizationProfile profile, List<string> errors)
    {
        var needsSubject = profile.Columns.Any(c => c.Transform.Type == TransformTypes.DateShift);
        if (profile.SubjectColumn is null)
        {
            if (needsSubject)
            {
                errors.Add("subjectColumn: required because a column uses dateShift (the shift is per subject)");
            }
            return;
        }
        if (profile.Find(profile.SubjectColumn) is null)
        {
            errors.Add($"subjectColumn: '{profile.SubjectColumn}' is not one of the profile's columns");
        }
    }

    private static void ValidateConsent(AnonymizationProfile profile, List<string> errors)
    {
        for (var i = 0; i < profile.Consent.Count; i++)
        {
            var rule = profile.Consent[i];
            if (string.IsNullOrEmpty(rule.Column))
            {
                errors.Add($"consent[{i}]: column is required");
            }
            if (rule.Purposes.Count == 0 || rule.Purposes.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add($"consent[{i}] '{rule.Column}': purposes must list at least one purpose code");
            }
            if (profile.Find(rule.Column) is { } c && c.Type is not null and not Rows.ColumnType.Boolean)
            {
                errors.Add($"consent[{i}] '{rule.Column}': a consent column must be boolean");
            }
        }
    }
}
