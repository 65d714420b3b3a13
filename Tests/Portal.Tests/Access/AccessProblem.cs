using System.Net;
using System.Text.Json;

namespace Portal.Tests.Access;

/// <summary>Asserts a refusal of the access endpoints by its code (never its sentence), its status and the field it names.</summary>
internal static class AccessProblem
{
    public static async Task AssertAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var doc = JsonDocument.Parse(text);
        Assert.Equal(code, doc.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(doc.RootElement.GetProperty("detail").GetString()));
        if (field is not null)
        {
            Assert.True(doc.RootElement.GetProperty("errors").TryGetProperty(field, out var messages), $"errors names {field}: {text}");
            Assert.NotEmpty(messages.EnumerateArray());
        }
    }
}
