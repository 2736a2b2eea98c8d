package io.lifeboat.dr.plan;

/** Plans shared by the tests. */
final class PlanFixtures {
    private PlanFixtures() {}

    /** A valid plan that writes every key the model knows at least once (PlanSchemaTest checks that it does). */
    static final String FULL = """
            version: 1
            sites:
              - name: eu-west
                repository: repos/eu-west
                jurisdiction: eu
                role: primary
                password-file: secrets/eu-west.pass
                endpoints:
                  - name: vllm
                    url: http://10.0.0.5:8080
                probes:
                  - url: http://10.0.0.5:8080/health
                    interval: 30s
                    timeout: 5s
                    expect-status: 204
              - name: eu-north
                repository: s3://dr-bucket/lifeboat
                jurisdiction: eu
                role: secondary
                standby: cold
                s3-endpoint: http://127.0.0.1:9000
                s3-path-style: true
                probes:
                  - url: https://eu-north.example/health
              - name: us-east
                repository: azure://dr/lifeboat
                jurisdiction: us
            assets:
              - name: training-data
                kind: dataset
                paths: [/data/train, data/extra]
                excludes: ["*.tmp"]
                policy:
                  schedule: 15m
                  rpo: 30m
                  rto: 15m
                  retention: {keep-last: 3, keep-hourly: 24, keep-daily: 7, keep-weekly: 4, keep-monthly: 12,
                              keep-yearly: 2, keep-within: 2w, keep-tag: [release]}
                  retention-lock: 30d
                  residency: [eu]
                  replicate-to: [eu-north]
              - name: pg-dump
                kind: config
                command: pg_dump app
                stream-name: app.sql
                policy:
                  schedule: 0 3 * * *
                  rpo: 1d1h
                  replicate-to: [eu-north, us-east]
              - name: api-key
                kind: secret
                env: API_KEY
                policy: {schedule: 1h, rpo: 2h}
              - name: llm
                kind: model
                model: llama-ft
                policy: {schedule: "@daily", rpo: 2d}
              - name: ckpt
                kind: checkpoint
                command: cat /ckpt/latest.pt
                policy: {schedule: 6h, rpo: 12h}
            """;
}
