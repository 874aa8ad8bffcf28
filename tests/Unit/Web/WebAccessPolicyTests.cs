using OrleansFlow.Silo.Web;

namespace OrleansFlow.Tests.Unit.Web;

/// <summary>
/// Issue 13 (8): the silo's web endpoint on a loopback bind serves only requests naming a loopback host (a page that
/// rebinds its own DNS name to 127.0.0.1 still sends its own name: RFC 7230's Host header); beyond loopback with a
/// token, the REST API and the dashboard's log stream need the token.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WebAccessPolicyTests
{
    private static readonly WebAccessPolicy Loopback = new("127.0.0.1", token: null);
    private static readonly WebAccessPolicy Exposed = new("0.0.0.0", token: "s3cret");

    [Theory]
    [InlineData("localhost")]
    [InlineData("LocalHost:8080")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("127.1.2.3:80")]
    [InlineData("[::1]")]
    [InlineData("[::1]:8080")]
    public void Decide_OnLoopbackWithALoopbackHost_Allows(string host)
    {
        Assert.True(Loopback.Decide(host, "/jobs", null, null, null).Allowed);
    }

    [Theory]
    [InlineData("rebind.example")]
    [InlineData("rebind.example:8080")]
    [InlineData("localhost.rebind.example")]
    [InlineData("127.0.0.1.rebind.example:8080")]
    [InlineData("10.0.0.5:8080")]
    [InlineData("[::1]rebind")]
    [InlineData("localhost:80x")]
    [InlineData("::1")]
    [InlineData("")]
    public void Decide_OnLoopbackWithAnotherHost_Refuses421InOneLine(string host)
    {
        var decision = Loopback.Decide(host, "/health", null, null, null);

        Assert.False(decision.Allowed);
        Assert.Equal(421, decision.StatusCode);
        Assert.Equal($"error: Host '{host}' is not a loopback name (localhost, 127.0.0.1, [::1]); this web endpoint listens on loopback only and refuses other names (DNS rebinding)", decision.Message);
    }

    [Fact]
    public void Decide_WithControlCharactersInTheHost_EscapesThemInTheMessage()
    {
        var decision = Loopback.Decide("evil\u001b[2J\nx", "/", null, null, null);

        Assert.Contains("'evil\\u001b[2J\\u000ax'", decision.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', decision.Message!);
    }

    [Theory]
    [InlineData("/jobs")]
    [InlineData("/jobs/abc")]
    [InlineData("/jobs/abc/checkpoints")]
    [InlineData("/dashboard/Trace")]
    public void Decide_BeyondLoopbackWithoutTheToken_Refuses401(string path)
    {
        var none = Exposed.Decide("silo.example:8080", path, null, null, null);
        var wrong = Exposed.Decide("silo.example:8080", path, "Bearer guess", null, null);

        Assert.Equal((false, 401), (none.Allowed, none.StatusCode));
        Assert.EndsWith("the request carried none", none.Message, StringComparison.Ordinal);
        Assert.Equal((false, 401), (wrong.Allowed, wrong.StatusCode));
        Assert.EndsWith("the request carried a wrong one", wrong.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bearer s3cret", null, null)]
    [InlineData("bearer s3cret", null, null)]
    [InlineData(null, "s3cret", null)]
    [InlineData(null, null, "s3cret")]
    public void Decide_BeyondLoopbackWithTheToken_Allows(string? authorization, string? header, string? query)
    {
        Assert.True(Exposed.Decide("silo.example:8080", "/jobs", authorization, header, query).Allowed);
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/")]
    [InlineData("/dashboard")]
    public void Decide_BeyondLoopback_ServesHealthTheJobsPageAndTheDashboardWithoutAToken(string path)
    {
        Assert.True(Exposed.Decide("silo.example:8080", path, null, null, null).Allowed);
    }

    [Fact]
    public void Decide_BeyondLoopbackWithNoTokenConfigured_AllowsEverything()
    {
        var insecure = new WebAccessPolicy("0.0.0.0", token: null);

        Assert.True(insecure.Decide("silo.example", "/jobs", null, null, null).Allowed);
        Assert.True(insecure.Decide("silo.example", "/dashboard/Trace", null, null, null).Allowed);
    }
}
