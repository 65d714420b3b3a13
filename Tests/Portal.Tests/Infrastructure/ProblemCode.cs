using System.Text.Json;

namespace Portal.Tests.Infrastructure;

/// <summary>The stable <c>code</c> of a problem-details answer: tests assert codes, never the sentences beside them.</summary>
public static class ProblemCode
{
    public static async Task<string?> OfAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
    }
}
