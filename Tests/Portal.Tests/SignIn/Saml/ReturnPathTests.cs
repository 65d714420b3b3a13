using Portal.Features.SignIn.Saml;

namespace Portal.Tests.SignIn.Saml;

public class ReturnPathTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/datasets/42")]
    [InlineData("/vo/7/members?tab=invites#top")]
    [InlineData("/search?q=a%20b")]
    [InlineData("/a:b")]
    public void Local_paths_are_kept(string path)
    {
        Assert.True(ReturnPath.TryValidate(path, out var result));
        Assert.Equal(path, result);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("//evil.example.com")]
    [InlineData("/\\evil.example.com")]
    [InlineData("\\\\evil.example.com")]
    [InlineData("https://evil.example.com/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example.com")]
    [InlineData("/%2Fevil.example.com")]
    [InlineData("/%2fevil.example.com")]
    [InlineData("%2F%2Fevil.example.com")]
    [InlineData("/%5Cevil.example.com")]
    [InlineData("/%252F%252Fevil.example.com")]
    [InlineData("/\t/evil.example.com")]
    [InlineData("/%09/evil.example.com")]
    [InlineData("/\r\nLocation: https://evil.example.com")]
    [InlineData("/%0d%0aSet-Cookie:x=y")]
    [InlineData("/datasets\\..\\..\\evil")]
    [InlineData("/:evil")]
    [InlineData("/%25252525252F%25252525252Fevil.example.com")]
    public void Anything_else_is_refused_and_becomes_home(string? candidate)
    {
        Assert.False(ReturnPath.TryValidate(candidate, out var result));
        Assert.Equal("/", result);
        Assert.Equal("/", ReturnPath.SanitizeOrHome(candidate));
    }

    [Fact]
    public void Overlong_path_is_refused()
    {
        Assert.False(ReturnPath.TryValidate("/" + new string('a', 5000), out _));
    }
}
