using System.Net;
using System.Text.RegularExpressions;

namespace Portal.Drills;

/// <summary>What a browser does that HttpClient does not: pick a sticky node, follow forms, show which instance answered.</summary>
internal static partial class Web
{
    /// <summary>The drill's nginx names the instance that answered (deploy/drill.sh adds this header).</summary>
    public const string UpstreamHeader = "X-Drill-Upstream";

    public static string? Upstream(HttpResponseMessage response) =>
        response.Headers.TryGetValues(UpstreamHeader, out var v) ? v.Last().Split(',').Last().Trim() : null;

    /// <summary>A "portal_node" cookie value that nginx's consistent hash sends to the instance at <paramref name="instance"/>.</summary>
    public static async Task<string> NodeCookieForAsync(Uri front, Uri instance, CancellationToken ct)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = front };
        var want = $"{instance.Host}:{instance.Port}";
        for (var i = 0; i < 200; i++)
        {
            var value = $"drill-{i}";
            using var request = new HttpRequestMessage(HttpMethod.Get, "health/live");
            request.Headers.Add("Cookie", $"portal_node={value}");
            using var response = await client.SendAsync(request, ct);
            if (Upstream(response) == want)
            {
                return value;
            }
        }
        throw new DrillException($"no portal_node value routes to {want}: is it in nginx's upstream?");
    }

    public sealed record Form(Uri Action, Dictionary<string, string> Fields);

    /// <summary>The first form of an HTML page whose fields include <paramref name="field"/>, with its inputs' values.</summary>
    public static Form? FindForm(string html, Uri pageUrl, string field)
    {
        foreach (Match form in FormPattern().Matches(html))
        {
            var fields = new Dictionary<string, string>();
            foreach (Match input in InputPattern().Matches(form.Groups["body"].Value))
            {
                var name = Attribute(input.Value, "name");
                if (name is not null)
                {
                    fields[name] = Attribute(input.Value, "value") ?? "";
                }
            }
            if (fields.ContainsKey(field))
            {
                var action = Attribute(form.Value[..form.Value.IndexOf('>', StringComparison.Ordinal)], "action");
                return new Form(string.IsNullOrEmpty(action) ? pageUrl : new Uri(pageUrl, action), fields);
            }
        }
        return null;
    }

    private static string? Attribute(string tag, string name)
    {
        var m = Regex.Match(tag, $"\\s{name}\\s*=\\s*(?:\"(?<v>[^\"]*)\"|'(?<v>[^']*)')", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
        return m.Success ? WebUtility.HtmlDecode(m.Groups["v"].Value) : null;
    }

    [GeneratedRegex("<form\\b[^>]*>(?<body>.*?)</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<(input|button)\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputPattern();
}
