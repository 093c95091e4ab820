FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 APP_ENV=production
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e . 2>/dev/null || true
COPY . .
RUN pip install --no-cache-dir -e . \
 && SECRET_KEY=build-only-not-secret python manage.py collectstatic --noinput
RUN useradd --create-home ledger && mkdir -p /data/media /app/var && chown -R ledger /data /app/var
USER ledger
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "-b", "0.0.0.0:8000"]
