using System.Text.RegularExpressions;

namespace Portal.Features.SignIn.Saml;

/// <summary>
/// Maps released attributes to the portal's user with the Shibboleth SP's scope rules: a scoped value counts only
/// when its scope is one the issuing IdP's metadata declares, so one institution cannot assert another's users.
/// </summary>
public static class AttributeMapper
{
    public const string PairwiseId = "urn:oasis:names:tc:SAML:attribute:pairwise-id";
    public const string SubjectId = "urn:oasis:names:tc:SAML:attribute:subject-id";
    public const string EduPersonPrincipalName = "urn:oid:1.3.6.1.4.1.5923.1.1.1.6";
    public const string EduPersonScopedAffiliation = "urn:oid:1.3.6.1.4.1.5923.1.1.1.9";
    public const string EduPersonEntitlement = "urn:oid:1.3.6.1.4.1.5923.1.1.1.7";
    public const string DisplayName = "urn:oid:2.16.840.1.113730.3.1.241";
    public const string Mail = "urn:oid:0.9.2342.19200300.100.1.3";
    public const string SchacHomeOrganization = "urn:oid:1.3.6.1.4.1.25178.1.2.9";

    /// <summary>Each attribute is recognised by its URI name or by its well-known short name (SimpleSAMLphp's basic format).</summary>
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["pairwise-id"] = PairwiseId,
        ["subject-id"] = SubjectId,
        ["eduPersonPrincipalName"] = EduPersonPrincipalName,
        ["eduPersonScopedAffiliation"] = EduPersonScopedAffiliation,
        ["eduPersonEntitlement"] = EduPersonEntitlement,
        ["displayName"] = DisplayName,
        ["mail"] = Mail,
        ["schacHomeOrganization"] = SchacHomeOrganization,
    };

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The canonical (URI) name for an attribute, or its own name when unknown.</summary>
    public static string CanonicalName(string name) => ShortNames.GetValueOrDefault(name, name);

    /// <summary>Maps or fails with <see cref="SamlReasons.IdentifierMissing"/> when no stable identifier survives.</summary>
    public static SamlIdentity Map(IdentityProvider idp, SamlNameId? nameId, IReadOnlyList<AttributeRelease> attributes)
    {
        ArgumentNullException.ThrowIfNull(idp);
        ArgumentNullException.ThrowIfNull(attributes);
        var dropped = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            var name = CanonicalName(attribute.Name);
            if (!values.TryGetValue(name, out var list))
            {
                values[name] = list = [];
            }
            list.AddRange(attribute.Values);
        }

        List<string> Scoped(string name)
        {
            var accepted = new List<string>();
            foreach (var value in values.GetValueOrDefault(name) ?? [])
            {
                if (HasAcceptedScope(idp, value))
                {
                    accepted.Add(value);
                }
                else
                {
                    dropped.Add($"{name}={value}");
                }
            }
            return accepted;
        }

        var pairwise = Scoped(PairwiseId);
        var subject = Scoped(SubjectId);
        var eppn = Scoped(EduPersonPrincipalName);
        var affiliations = Scoped(EduPersonScopedAffiliation);

        string? home = null;
        foreach (var value in values.GetValueOrDefault(SchacHomeOrganization) ?? [])
        {
            if (home is null && ScopeMatches(idp, value))
            {
                home = value;
            }
            else if (home != value)
            {
                dropped.Add($"{SchacHomeOrganization}={value}");
            }
        }

        var (userId, source) = (pairwise, subject, eppn) switch
        {
            ({ Count: > 0 }, _, _) => (pairwise[0], "pairwise-id"),
            (_, { Count: > 0 }, _) => (subject[0], "subject-id"),
            (_, _, { Count: > 0 }) => (eppn[0], "eduPersonPrincipalName"),
            _ when nameId is { Format: SamlNames.PersistentNameId, Value.Length: > 0 } => (nameId.Value, "persistent-nameid"),
            _ => (null, null),
        };
        if (userId is null || source is null)
        {
            throw new SamlValidationException(SamlReasons.IdentifierMissing);
        }

        return new SamlIdentity
        {
            IdpEntityId = idp.EntityId,
            UserId = userId,
            UserIdSource = source,
            DisplayName = First(values, DisplayName),
            Mail = First(values, Mail),
            HomeOrganization = home,
            EduPersonPrincipalName = eppn.FirstOrDefault(),
            ScopedAffiliations = affiliations,
            Entitlements = values.GetValueOrDefault(EduPersonEntitlement)?.Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList() ?? [],
            NameId = nameId,
            DroppedValues = dropped,
            Attributes = attributes,
        };
    }

    /// <summary>A scoped value: exactly one '@', something on both sides, and a scope the IdP owns.</summary>
    public static bool HasAcceptedScope(IdentityProvider idp, string value)
    {
        ArgumentNullException.ThrowIfNull(idp);
        ArgumentNullException.ThrowIfNull(value);
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == value.Length - 1 || value.IndexOf('@', at + 1) >= 0)
        {
            return false;
        }
        return ScopeMatches(idp, value[(at + 1)..]);
    }

    /// <summary>Literal scopes compare as domain names (ignoring case); regexp scopes must match the whole scope.</summary>
    public static bool ScopeMatches(IdentityProvider idp, string scope)
    {
        ArgumentNullException.ThrowIfNull(idp);
        if (string.IsNullOrEmpty(scope))
        {
            return false;
        }
        foreach (var declared in idp.Scopes)
        {
            if (!declared.IsRegex)
            {
                if (string.Equals(declared.Value, scope, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
                continue;
            }
            try
            {
                if (Regex.IsMatch(scope, $@"^(?:{declared.Value})\z", RegexOptions.CultureInvariant, RegexTimeout))
                {
                    return true;
                }
            }
            catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
            {
                // A broken or pathological pattern in metadata matches nothing.
            }
        }
        return false;
    }

    private static string? First(Dictionary<string, List<string>> values, string name) =>
        values.GetValueOrDefault(name)?.FirstOrDefault(v => v.Length > 0);
}
