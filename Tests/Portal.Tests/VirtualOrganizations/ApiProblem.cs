using System.Net;
using System.Text.Json;

namespace Portal.Tests.VirtualOrganizations;

internal static class ApiProblem
{
    /// <summary>Asserts an RFC 7807 answer with the status and, when given, an `errors` entry for the field; returns the detail.</summary>
    public static async Task<string> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        var detail = doc.RootElement.GetProperty("detail").GetString();
        Assert.False(string.IsNullOrWhiteSpace(detail));
        if (field is not null)
        {
            Assert.True(doc.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"errors names {field}: {text}");
            Assert.NotEmpty(messages.EnumerateArray());
        }
        return detail!;
    }

    /// <summary>The same, and the stable <c>code</c> the refusal must carry: tests branch on codes, never on sentences.</summary>
    public static async Task<string> AssertAsync(HttpResponseMessage response, HttpStatusCode status, string? field, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        using (var doc = JsonDocument.Parse(text))
        {
            Assert.True(doc.RootElement.TryGetProperty("code", out var actual), $"the problem has a code: {text}");
            Assert.Equal(code, actual.GetString());
        }
        return await AssertAsync(response, status, field);
    }
}
