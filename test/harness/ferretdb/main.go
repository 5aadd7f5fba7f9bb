// Command ferretdb runs FerretDB v1.24.1 with its SQLite backend for the
// test harness, through FerretDB's embeddable package.
//
// Why not the stock binary: `go install
// github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.1` builds, but the binary
// panics at start ("Invalid build/version/version.txt file content") because
// the module zip has no version.txt. The embeddable package skips that check.
// It takes the stock binary's flags that the harness uses, so either works.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP listen address")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URI")
	handler := flag.String("handler", "sqlite", "backend handler (sqlite)")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	version := flag.Bool("version", false, "print the version and exit")
	// Accepted for compatibility with the stock binary's command line; unused.
	flag.String("debug-addr", "-", "unused")
	flag.String("state-dir", "-", "unused")
	flag.String("telemetry", "disable", "unused")
	flag.Parse()

	if *version {
		fmt.Println("ferretdb (gamejournal test harness build of FerretDB v1.24.1, embedded)")
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb: --log-level:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   *handler,
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}
