using Portal.Policy.Model;

namespace Portal.Policy.Tests;

public class ReasonCatalogTests
{
    [Fact]
    public void Every_reason_has_a_unique_dotted_code_and_a_sentence()
    {
        var codes = ReasonCatalog.All.Select(ReasonCatalog.Code).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z]+\\.[a-z_]+$", c));
        Assert.All(ReasonCatalog.All, r => Assert.EndsWith(".", ReasonCatalog.Sentence(r)));
    }

    [Fact]
    public void Every_reason_fits_in_the_reason_set()
    {
        Assert.True(ReasonCatalog.All.Max(r => (int)r) < 64);
    }

    [Fact]
    public void Explain_gives_codes_and_sentences()
    {
        var decision = Decision.Deny(ReasonSet.Of(ReasonCode.GrantExpired, ReasonCode.SubjectSuspended));

        Assert.Equal(
            [("subject.suspended", "Your account is suspended."), ("grant.expired", "Your grant has expired.")],
            decision.Explain());
    }
}
