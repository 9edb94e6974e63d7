# Thin wrapper over scripts/dev.sh (which installs dependencies, configures and builds).
.PHONY: demo test bench build format clean
demo:
	bash scripts/dev.sh demo
test:
	bash scripts/dev.sh test
bench:
	bash scripts/dev.sh bench
build:
	bash scripts/dev.sh build
format:
	clang-format -i $$(git ls-files '*.c' '*.h')
clean:
	rm -rf build
