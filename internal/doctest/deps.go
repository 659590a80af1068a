package doctest

// The documentation shows code that uses the separate modules of the repository and what they
// work with (go-redis, the OpenTelemetry SDK, the Prometheus client). This package imports them
// so that this module requires them and its go.sum (which CheckSnippets copies) holds what the
// snippets need: they then build without the network once this module has built.
import (
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/redis/go-redis/v9"
	_ "go.opentelemetry.io/otel/exporters/prometheus"
	_ "go.opentelemetry.io/otel/sdk/metric"

	_ "github.com/thaid-go/thaid-go/middleware/otelthaid"
	_ "github.com/thaid-go/thaid-go/middleware/redisstore"
)
