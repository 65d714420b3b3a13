using Portal.Features.SignIn.Saml;

namespace Portal.Features.SignIn.Discovery;

/// <summary>One institution as the discovery page lists it.</summary>
public sealed record DiscoveryEntry(string EntityId, string Name, IReadOnlyList<string> Domains)
{
    /// <summary>Lower-case name, domains and entity ID host in one string, so a search is one substring scan.</summary>
    internal string Haystack { get; init; } = "";

    /// <summary>Where "Sign in" starts, without the return URL; null for a SAML IdP (<c>/saml/login?idp=</c>).</summary>
    public string? LoginPath { get; init; }
}

/// <summary>What a search found: the first matches to render and how many there are in all.</summary>
public sealed record DiscoveryResult(IReadOnlyList<DiscoveryEntry> Matches, int Total);

/// <summary>
/// The listable IdPs, sorted and pre-lowered once when the directory loads. Searching thousands of entries is then a
/// few substring scans per request with no allocation per entry, which keeps the static page well under its budget.
/// Hidden (hide-from-discovery) IdPs are not in the index at all, so no query can list them.
/// </summary>
public sealed class DiscoveryIndex
{
    /// <summary>Longer queries are cut: nobody types more, and it bounds the work a request can ask for.</summary>
    public const int MaxQueryLength = 100;

    private readonly DiscoveryEntry[] _entries;
    private readonly Dictionary<string, DiscoveryEntry> _byEntityId;

    /// <param name="others">Entries of other protocols (OIDC providers), listed and searched the same way.</param>
    public DiscoveryIndex(IEnumerable<IdentityProvider> providers, IEnumerable<DiscoveryEntry>? others = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _entries = providers
            .Where(p => !p.HideFromDiscovery && p.RedirectSsoUrl is not null)
            .Select(Entry)
            .Concat(others ?? [])
            .OrderBy(e => e.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(e => e.EntityId, StringComparer.Ordinal)
            .ToArray();
        _byEntityId = _entries.ToDictionary(e => e.EntityId, StringComparer.Ordinal);
    }

    public static DiscoveryIndex Empty { get; } = new([]);

    public int Count => _entries.Length;

    /// <summary>A listable IdP by entity ID (the remembered choice), or null when unknown or hidden.</summary>
    public DiscoveryEntry? Find(string? entityId) => entityId is null ? null : _byEntityId.GetValueOrDefault(entityId);

    /// <summary>
    /// Every whitespace-separated term must occur in the name, a domain or the entity ID's host. Matches whose name
    /// or a domain starts with the first term come first; otherwise the order is alphabetical.
    /// </summary>
    public DiscoveryResult Search(string? query, int limit)
    {
        var terms = Terms(query);
        if (terms.Length == 0)
        {
            return new DiscoveryResult(_entries.Take(limit).ToArray(), _entries.Length);
        }
        var leading = new List<DiscoveryEntry>();
        var others = new List<DiscoveryEntry>();
        var total = 0;
        foreach (var entry in _entries)
        {
            if (!Array.TrueForAll(terms, t => entry.Haystack.Contains(t, StringComparison.Ordinal)))
            {
                continue;
            }
            total++;
            if (leading.Count >= limit)
            {
                continue; // counting only: the page already has all it shows
            }
            if (StartsWord(entry, terms[0]))
            {
                leading.Add(entry);
            }
            else if (leading.Count + others.Count < limit)
            {
                others.Add(entry);
            }
        }
        return new DiscoveryResult(leading.Concat(others).Take(limit).ToArray(), total);
    }

    private static string[] Terms(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }
        var cut = query.Length > MaxQueryLength ? query[..MaxQueryLength] : query;
        return cut.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static bool StartsWord(DiscoveryEntry entry, string term) =>
        entry.Name.StartsWith(term, StringComparison.OrdinalIgnoreCase)
        || entry.Domains.Any(d => d.StartsWith(term, StringComparison.OrdinalIgnoreCase));

    /// <summary>An entry that is no SAML IdP: its id (e.g. "oidc:demo"), name, searchable domains and login path.</summary>
    public static DiscoveryEntry Other(string id, string name, IEnumerable<string> domains, string loginPath)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var lowered = domains.Select(d => d.ToLowerInvariant()).Distinct().ToList();
        return new DiscoveryEntry(id, name, lowered)
        {
            Haystack = $"{name.ToLowerInvariant()}\n{string.Join('\n', lowered)}\n{id.ToLowerInvariant()}",
            LoginPath = loginPath,
        };
    }

    private static DiscoveryEntry Entry(IdentityProvider idp)
    {
        var domains = idp.Scopes.Where(s => !s.IsRegex).Select(s => s.Value.ToLowerInvariant()).ToList();
        if (Uri.TryCreate(idp.EntityId, UriKind.Absolute, out var uri) && uri.Host.Length > 0 && !domains.Contains(uri.Host))
        {
            domains.Add(uri.Host.ToLowerInvariant());
        }
        var name = string.IsNullOrWhiteSpace(idp.DisplayName) ? idp.EntityId : idp.DisplayName;
        return new DiscoveryEntry(idp.EntityId, name, domains)
        {
            Haystack = $"{name.ToLowerInvariant()}\n{string.Join('\n', domains)}\n{idp.EntityId.ToLowerInvariant()}",
        };
    }
}
