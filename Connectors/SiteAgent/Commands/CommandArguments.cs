namespace Portal.Connectors.SiteAgent.Commands;

/// <summary>`--name value` options after a command's words; anything else is an error the owner sees.</summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> _options = new(StringComparer.Ordinal);

    public CommandArguments(IEnumerable<string> args, params string[] known)
    {
        ArgumentNullException.ThrowIfNull(args);
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal) || !known.Contains(name[2..]))
            {
                throw new SiteAgentException($"unknown argument '{name}' (expected {string.Join(", ", known.Select(k => "--" + k))})");
            }
            if (!e.MoveNext())
            {
                throw new SiteAgentException($"{name} needs a value");
            }
            _options[name[2..]] = e.Current;
        }
    }

    public string Required(string name) =>
        _options.TryGetValue(name, out var value) && value.Length > 0 ? value : throw new SiteAgentException($"--{name} is required");

    public string? Optional(string name) => _options.GetValueOrDefault(name);
}
